/**
 * netseg's policy rules run in-process over deployed resources, as @pulumi/policy's analyzer
 * server would run them (properties behind its unknown-checking proxy, `getConfig` with the
 * pack's defaults, `notApplicable` ending the policy quietly, stack resources linked by URN): no
 * gRPC engine is needed for state read from files. The AWS, GCP and Kubernetes packs run at their
 * default levels; the conformance pack is left out because the audit holds the matrix against the
 * intent itself (its reachability section), with the same engine.
 */
import type { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { awsRules, gcpRules, kubernetesRules } from "../../policy-packs/rules";
import { UnknownValueError, unknownCheckingProxy } from "../../policy-packs/rules/policy-internals";
import type { NetResource } from "../../core/reachability";
import type { PackSummary, Violation } from "../preview/types";
import { version as packVersion } from "../../policy-packs/aws/package.json";

const PACKS = [
  ["netseg-aws", awsRules],
  ["netseg-gcp", gcpRules],
  ["netseg-kubernetes", kubernetesRules],
] as const;

const OPTS = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason ?? "");
};

export interface PolicyRun {
  packs: PackSummary[];
  violations: Violation[];
  /** Policies that could not run on some resource (a value unknown, e.g. an encrypted secret), as sentences. */
  notRun: string[];
}

function propsOf(r: NetResource): Record<string, unknown> {
  return structuredClone(r.props ?? r.inputs ?? {});
}

/** Runs every rule of netseg's AWS, GCP and Kubernetes packs over `resources`. */
export async function runPolicies(resources: readonly NetResource[]): Promise<PolicyRun> {
  const violations: Violation[] = [];
  const notRun: string[] = [];
  const packs: PackSummary[] = [];
  const stackTags = new Map<string, string>();
  for (const [pack, policies] of PACKS) {
    packs.push({
      name: pack,
      version: packVersion,
      dir: `policy-packs/${pack.replace(/^netseg-/, "")}`,
      policies: policies.map((p) => ({
        name: p.name,
        description: p.description,
        level: p.enforcementLevel ?? "advisory",
        kind: "validateStack" in p ? "stack" : "resource",
        ...(p.severity ? { severity: p.severity } : {}),
        ...(p.remediationSteps ? { remediationSteps: p.remediationSteps } : {}),
      })),
    });
    for (const p of policies) {
      const level = p.enforcementLevel ?? "advisory";
      if (level === "disabled") continue;
      const report = (phase: Violation["phase"]) => (message: string, urn?: string) =>
        violations.push({
          policyPack: pack,
          policyPackVersion: packVersion,
          policy: p.name,
          description: p.description,
          message: `${p.description}\n${message}`,
          level: level === "advisory" ? "advisory" : "mandatory",
          ...(p.severity ? { severity: p.severity } : {}),
          urn: urn ?? "",
          phase,
        });
      const guarded = async (what: string, run: () => Promise<void> | void) => {
        try {
          await run();
        } catch (err) {
          if (err instanceof NotApplicable) return;
          if (err instanceof UnknownValueError) notRun.push(`policy ${pack}/${p.name} could not run on ${what}: it reads a value the state does not hold in the clear (${err.message})`);
          else throw err;
        }
      };
      if ("validateResource" in p && p.validateResource) {
        const validations = [p.validateResource].flat();
        for (const r of resources) {
          const args: ResourceValidationArgs = {
            type: r.type,
            props: unknownCheckingProxy(propsOf(r)),
            urn: r.urn,
            name: r.name,
            opts: OPTS,
            stackTags,
            isType: () => false,
            asType: () => undefined,
            getConfig: <T extends object>() => ({}) as T,
            notApplicable,
          };
          const v = report("resource");
          await guarded(r.urn, async () => {
            for (const validate of validations) await validate(args, (message) => v(message, r.urn));
          });
        }
      }
      if ("validateStack" in p && p.validateStack) {
        const validateStack = p.validateStack;
        const args: StackValidationArgs = { resources: stackResources(resources), stackTags, getConfig: <T extends object>() => ({}) as T, notApplicable };
        const v = report("stack");
        await guarded("the stack", () => validateStack(args, (message, urn) => v(message, urn)));
      }
    }
  }
  return { packs, violations, notRun };
}

/** The resources as a stack policy sees them, linked to each other by URN. */
function stackResources(resources: readonly NetResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const out = resources.map((x) => {
    const r: PolicyResource = { type: x.type, props: unknownCheckingProxy(propsOf(x)), urn: x.urn, name: x.name, opts: { ...OPTS }, dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined };
    byUrn.set(x.urn, r);
    return r;
  });
  const resolve = (urns: readonly string[] = []) => urns.map((u) => byUrn.get(u)).filter((r): r is PolicyResource => r !== undefined);
  resources.forEach((x, i) => {
    out[i].dependencies = resolve(x.dependencies);
    out[i].propertyDependencies = Object.fromEntries(Object.entries(x.propertyDependencies ?? {}).map(([k, v]) => [k, resolve(v)]));
    if (x.parent && byUrn.has(x.parent)) {
      out[i].parent = byUrn.get(x.parent);
      out[i].opts.parent = x.parent;
    }
  });
  return out;
}
