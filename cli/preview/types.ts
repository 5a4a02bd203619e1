/**
 * The plain data that flows through `netseg preview`: what the program registered, what the
 * packs said about it, and what the report shows. Everything here is JSON-safe so it can cross
 * the process boundary between the program runner's child process and the CLI unchanged.
 */

/**
 * Pulumi's wire sentinel for a value not known until deployment. Recorded inputs keep it (as the
 * engine does when it marshals properties with KeepUnknowns), so packs see real unknowns.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when a recorded property value is Pulumi's unknown sentinel. */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** Options the engine hands to analyzers (AnalyzerResourceOptions). */
export interface RecordedOptions {
  protect: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs: string[];
  aliases: string[];
  customTimeouts: { create: number; update: number; delete: number };
}

/** One resource the program registered, in registration order. */
export interface RecordedResource {
  /** Registration order, 0-based; the engine analyzes in this order. */
  index: number;
  urn: string;
  type: string;
  name: string;
  /** Custom (provider-managed) resource, as opposed to a component. */
  custom: boolean;
  /** Registered with `get` (read, not managed): included in analyzeStack only, as the engine does. */
  read?: boolean;
  /** Synthesised default provider (the engine registers these itself). */
  defaultProvider?: boolean;
  /** Inputs as marshalled on the wire: plain JSON, unknowns as {@link UNKNOWN}, secrets and resource refs by signature. */
  inputs: Record<string, unknown>;
  /** What a preview would hold as the resource's state: inputs plus the mock's computed fields. */
  outputs: Record<string, unknown>;
  id?: string;
  parent?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** URN of the provider resource managing this one (explicit or default). */
  provider?: string;
  options: RecordedOptions;
}

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** One diagnostic from a policy pack, after the engine's level adjustments. */
export interface Violation {
  policyPack: string;
  policyPackVersion: string;
  policy: string;
  description: string;
  message: string;
  /** Only "advisory" or "mandatory" ever reach the report (remediate is reported as mandatory). */
  level: "advisory" | "mandatory";
  severity?: "low" | "medium" | "high" | "critical";
  urn: string;
  /** From analyze (one resource) or analyzeStack (whole stack). */
  phase: "resource" | "stack" | "remediate";
}

/** A remediation a pack applied to a resource's inputs before analysis. */
export interface Remediation {
  policyPack: string;
  policy: string;
  urn: string;
  description: string;
}

export interface PolicySummary {
  name: string;
  description: string;
  level: EnforcementLevel;
  kind: "resource" | "stack" | "unknown";
  /** The severity the pack declares for the policy, when it declares one. */
  severity?: "low" | "medium" | "high" | "critical";
  /** How to fix a violation, as the pack states it. */
  remediationSteps?: string;
  /** The policy's documentation, as the pack links it. */
  url?: string;
  tags?: string[];
}

export interface PackSummary {
  name: string;
  version: string;
  dir: string;
  policies: PolicySummary[];
}

/**
 * A warning or error the Pulumi program logged (`pulumi.log.warn` / `pulumi.log.error`, which
 * the engine would show under the resource they name), or wrote with `console.warn` /
 * `console.error`. Only a `pulumi.log.error` fails the preview (see report/model.ts).
 */
export interface ProgramLog {
  level: "warning" | "error";
  source: "pulumi.log" | "console";
  message: string;
  /** The resource the message names (`pulumi.log.*`'s `resource` argument), when it has one. */
  urn?: string;
}
