/**
 * The report as data: every renderer (text, markdown, JSON, SARIF, diagrams) reads this one
 * model, so the formats cannot disagree. Sorted throughout, so the same preview gives the
 * same bytes.
 */
import { GCP_FIREWALL } from "../../../core/resources";
import { firewallZone } from "../../../core/rules/gcp";
import { TAG } from "../../../core/tags";
import type { AnalysisSection } from "../analysis";
import type { PackSummary, ProgramLog, RecordedResource, Remediation, Violation } from "../types";
import { declaredResources, type DeclaredResource } from "./json";
import { locateDeclarations, readProgramSources, type SourceFile, type SourceLocation } from "./locations";

export const UNZONED = "unzoned";

export interface TypeCount {
  type: string;
  count: number;
}
export interface ZoneGroup {
  zone: string;
  count: number;
  types: TypeCount[];
}

export interface PreviewReport {
  project: string;
  stack: string;
  programDir: string;
  programEntry: string;
  resources: {
    /** Custom resources the stack would create (providers and components excluded). */
    managed: number;
    components: number;
    providers: number;
    byZone: ZoneGroup[];
  };
  packs: PackSummary[];
  violations: { mandatory: Violation[]; advisory: Violation[] };
  remediations: Remediation[];
  analyses: AnalysisSection[];
  /** What the program logged at warn or error level: errors first; those naming a resource first, by URN. */
  programLogs: ProgramLog[];
  /**
   * Where the program declares each resource the report names (violations, findings, logs), by
   * URN, when its sources tell (see locations.ts); `file` is relative to `programDir`.
   */
  declarations: Record<string, SourceLocation>;
  summary: {
    mandatory: number;
    advisory: number;
    analysisErrors: number;
    /** `pulumi.log.error` calls: each fails the preview (exit 1), see buildReport. */
    programErrors: number;
    programWarnings: number;
    exitCode: 0 | 1;
    line: string;
  };
  timingsMs?: { program: number; packs: number; report: number };
  /**
   * The resources a deployment would create, with their declared inputs (unknowns as Pulumi's
   * sentinel): what `netseg audit --declared` holds a stack export against to find drift.
   */
  declared?: DeclaredResource[];
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A resource's zone from netseg's marks: AWS tags, GCP labels (or description), Kubernetes metadata labels. */
export function zoneOf(r: RecordedResource): string {
  const props = r.inputs;
  const candidates: [Record<string, unknown> | undefined, string][] = [
    [asRecord(props.tags), TAG.aws.zone],
    [asRecord(props.labels), TAG.gcp.zone],
    [asRecord(props.userLabels), TAG.gcp.zone],
    [asRecord(asRecord(props.metadata)?.labels), TAG.k8s.zone],
    [asRecord(props.labels), TAG.aws.zone],
  ];
  for (const [tags, key] of candidates) {
    const zone = tags?.[key];
    if (typeof zone === "string" && zone.length > 0) return zone;
  }
  // GCP subnetworks carry no labels; netseg writes its marks into the description instead.
  const mark = typeof props.description === "string" ? new RegExp(`(?:^|[\\s(])${TAG.gcp.zone}=([a-z0-9-]+)`).exec(props.description) : null;
  if (mark) return mark[1];
  // Nor do firewall rules: netseg's allow rules name the zone whose instances they filter.
  const filtered = r.type === GCP_FIREWALL && typeof props.description === "string" ? firewallZone(props.description) : undefined;
  return filtered ?? UNZONED;
}

function groupByZone(resources: RecordedResource[]): ZoneGroup[] {
  const zones = new Map<string, Map<string, number>>();
  for (const r of resources) {
    const zone = zoneOf(r);
    const types = zones.get(zone) ?? new Map<string, number>();
    types.set(r.type, (types.get(r.type) ?? 0) + 1);
    zones.set(zone, types);
  }
  return [...zones.entries()]
    .map(([zone, types]) => ({
      zone,
      count: [...types.values()].reduce((a, b) => a + b, 0),
      types: [...types.entries()].map(([type, count]) => ({ type, count })).sort((a, b) => a.type.localeCompare(b.type)),
    }))
    .sort((a, b) => (a.zone === UNZONED ? 1 : b.zone === UNZONED ? -1 : a.zone.localeCompare(b.zone)));
}

function byViolationOrder(a: Violation, b: Violation): number {
  return a.policyPack.localeCompare(b.policyPack) || a.policy.localeCompare(b.policy) || a.urn.localeCompare(b.urn) || a.message.localeCompare(b.message);
}

export interface ReportInput {
  project: string;
  stack: string;
  programDir: string;
  programEntry: string;
  resources: RecordedResource[];
  packs: PackSummary[];
  violations: Violation[];
  remediations: Remediation[];
  analyses: AnalysisSection[];
  /** What the program logged (ProgramResult.logs); none when absent. */
  programLogs?: ProgramLog[];
  /** The program's sources, to locate declarations in; read from `programDir` when absent. */
  sources?: SourceFile[];
}

function byLogOrder(a: ProgramLog, b: ProgramLog): number {
  const rank = (l: ProgramLog) => (l.level === "error" ? 0 : 2) + (l.urn === undefined ? 1 : 0);
  return rank(a) - rank(b) || (a.urn ?? "").localeCompare(b.urn ?? "") || a.source.localeCompare(b.source) || a.message.localeCompare(b.message);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The resources a deployment would create: custom, not providers, not reads. */
export function managedResources<T extends Pick<RecordedResource, "custom" | "type" | "read">>(resources: readonly T[]): T[] {
  return resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:") && !r.read);
}

export function buildReport(input: ReportInput): PreviewReport {
  const managed = managedResources(input.resources);
  const mandatory = input.violations.filter((v) => v.level === "mandatory").sort(byViolationOrder);
  const advisory = input.violations.filter((v) => v.level === "advisory").sort(byViolationOrder);
  const analysisErrors = input.analyses.reduce((n, s) => n + s.findings.filter((f) => f.severity === "error").length, 0);
  const programLogs = [...(input.programLogs ?? [])].sort(byLogOrder);
  const programErrors = programLogs.filter((l) => l.level === "error").length;
  const programWarnings = programLogs.length - programErrors;
  // A program that logs an error says its own stack is wrong. The Pulumi CLI prints such an error
  // and still exits 0 (pulumi/pulumi#5085; only the Automation API's inline programs fail on it);
  // a preview gate must not pass what the program itself calls an error, so it fails (exit 1).
  const exitCode = mandatory.length > 0 || analysisErrors > 0 || programErrors > 0 ? 1 : 0;
  const parts = [
    `${managed.length} resources`,
    `${input.packs.length} policy pack${input.packs.length === 1 ? "" : "s"}`,
    `${mandatory.length} mandatory`,
    `${advisory.length} advisory`,
  ];
  if (input.analyses.length > 0) parts.push(`${analysisErrors} analysis error${analysisErrors === 1 ? "" : "s"}`);
  if (programErrors > 0) parts.push(plural(programErrors, "program error"));
  if (programWarnings > 0) parts.push(plural(programWarnings, "program warning"));
  return {
    project: input.project,
    stack: input.stack,
    programDir: input.programDir,
    programEntry: input.programEntry,
    resources: {
      managed: managed.length,
      components: input.resources.filter((r) => !r.custom).length,
      providers: input.resources.filter((r) => r.type.startsWith("pulumi:providers:")).length,
      byZone: groupByZone(managed),
    },
    packs: [...input.packs].sort((a, b) => a.name.localeCompare(b.name)),
    violations: { mandatory, advisory },
    remediations: [...input.remediations].sort((a, b) => a.urn.localeCompare(b.urn) || a.policy.localeCompare(b.policy)),
    analyses: input.analyses,
    programLogs,
    declarations: locateDeclarations(
      [...input.violations.map((v) => v.urn), ...input.analyses.flatMap((a) => a.findings.flatMap((f) => f.urns ?? [])), ...programLogs.flatMap((l) => (l.urn ? [l.urn] : []))],
      input.resources,
      input.sources ?? readProgramSources(input.programDir, input.programEntry),
      input.programDir,
    ),
    declared: declaredResources(managed),
    summary: {
      mandatory: mandatory.length,
      advisory: advisory.length,
      analysisErrors,
      programErrors,
      programWarnings,
      exitCode,
      line: `${exitCode === 0 ? "PASS" : "FAIL"}: ${parts.join(", ")} (${input.project}/${input.stack})`,
    },
  };
}

/** The last `::`-separated part of a URN: the resource name, for compact display. */
export function shortUrn(urn: string): string {
  const parts = urn.split("::");
  const type = (parts[2] ?? "").split("$").pop() ?? "";
  return `${type}::${parts[3] ?? urn}`;
}
