/**
 * `netseg audit` as a function: read the deployed state from files, run the reachability engine
 * and netseg's policy rules on it, hold the matrix against the intents, compare it with a
 * recorded preview (drift), and build the same report model `netseg preview` renders, with an
 * `audit` part: what was read, what was not analysed and why, and the drift.
 */
import * as fs from "node:fs";
import { COMPONENTS, PROVIDERS } from "../../core/audit/stack-export";
import { computeDrift, driftLine, type DeclaredResource, type DriftReport } from "../../core/audit/drift";
import type { Skipped } from "../../core/audit/types";
import { guessZones, taggedZones, withGuessedZones, type ZoneGuess, type ZoneMarks } from "../../core/audit/zones";
import { loadIntentFile } from "../../core/intent";
import type { EphemeralPorts, NetResource } from "../../core/reachability";
import type { AnalysisFinding, AnalysisSection, WorkloadDisplay } from "../preview/analysis";
import { PreviewError } from "../preview/errors";
import { reachabilityAnalysis } from "../preview/reachability";
import { buildReport, type PreviewReport } from "../preview/report";
import type { RecordedResource } from "../preview/types";
import { runPolicies } from "./policies";
import { readSources } from "./read";

export interface AuditOptions {
  intentFiles: string[];
  from: string[];
  /** A recorded `netseg preview --format json` of the program behind the stack export. */
  declared?: string;
  ephemeralPorts?: EphemeralPorts;
  workloads?: WorkloadDisplay;
}

export interface AuditSummary {
  sources: { file: string; format: string; resources: number; notAnalysed: number; counts: Record<string, number> }[];
  /** Every record not analysed, and why. */
  notAnalysed: Skipped[];
  drift?: { count: number; compared: number; notCompared: string[]; items: DriftReport["items"]; against: string };
}

export type AuditReport = PreviewReport & { audit: AuditSummary };

export interface AuditState {
  resources: NetResource[];
  recorded: RecordedResource[];
  sources: ReturnType<typeof readSources>;
}

/** The resources read, as the preview's analyses take them. */
export function readState(from: readonly string[]): AuditState {
  const sources = readSources(from);
  const resources = sources.flatMap((s) => s.resources);
  return { resources, recorded: asRecorded(resources), sources };
}

/** Resources as the preview's recorder holds them (deployed values as inputs and outputs). */
export function asRecorded(resources: readonly NetResource[]): RecordedResource[] {
  return resources.map((r, index) => {
    const props = { ...(r.inputs ?? {}), ...(r.props ?? {}) };
    return {
      index,
      urn: r.urn,
      type: r.type,
      name: r.name,
      custom: true,
      inputs: props,
      outputs: props,
      ...(r.id ? { id: r.id } : {}),
      ...(r.parent ? { parent: r.parent } : {}),
      dependencies: [...(r.dependencies ?? [])],
      propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, [...v]])),
      options: { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [], customTimeouts: { create: 0, update: 0, delete: 0 } },
    };
  });
}

/**
 * Places untagged subnets in the intents' zones that no `netseg:zone` tag provides, as
 * core/audit/zones guesses them (the guess `--draft-intent` made): a brownfield network is audited
 * against its drafted intent before anyone tags it. Returns the resources and what was guessed.
 */
function placeIntentZones(resources: NetResource[], intentFiles: readonly string[]): { resources: NetResource[]; placed: ZoneGuess[] } {
  const zones = new Map<string, ZoneMarks>();
  for (const file of intentFiles) {
    try {
      for (const z of loadIntentFile(file).zones) zones.set(z.name, { internet: z.internet, sensitive: z.sensitive });
    } catch {
      // The analysis reports an intent it cannot read, as the preview does.
    }
  }
  const tagged = taggedZones(resources);
  const missing = new Map([...zones].filter(([n]) => !tagged.has(n)));
  if (missing.size === 0) return { resources, placed: [] };
  const placed = guessZones(resources).filter((g) => missing.has(g.zone));
  // Placed with the intent's marks (internet, sensitive), as netseg tags its own subnets.
  return { resources: withGuessedZones(resources, placed, missing), placed };
}

function loadDeclared(file: string): DeclaredResource[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new PreviewError(`The --declared file ${file} could not be read as JSON (${err instanceof Error ? err.message : String(err)}); expected a report written by \`netseg preview --format json\`.`);
  }
  const declared = (json as { declared?: unknown }).declared;
  if (!Array.isArray(declared)) {
    throw new PreviewError(
      `The --declared file ${file} has no "declared" list of resources; expected a report written by \`netseg preview --format json\` of this netseg version or later. Record it again: netseg preview <program-dir> --format json -o ${file}`,
    );
  }
  return declared as DeclaredResource[];
}

function stackOf(resources: readonly NetResource[]): { project: string; stack: string } {
  const urn = resources.find((r) => r.urn.startsWith("urn:pulumi:"))?.urn;
  if (!urn) return { project: "inventory", stack: "deployed" };
  const [head, project] = urn.split("::");
  return { project: project ?? "inventory", stack: head.slice("urn:pulumi:".length) };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  const declared = options.declared ? loadDeclared(options.declared) : undefined;
  const state = readState(options.from);
  const { sources } = state;
  const { resources, placed } = placeIntentZones(state.resources, options.intentFiles);
  const recorded = placed.length ? asRecorded(resources) : state.recorded;
  const { project, stack } = stackOf(resources);
  const ctx = { project, stack, programDir: ".", outputs: {}, intentFiles: options.intentFiles, ephemeralPorts: options.ephemeralPorts, workloads: options.workloads };
  const reach = await reachabilityAnalysis(recorded, ctx);
  const policies = await runPolicies(resources);
  for (const sentence of policies.notRun) reach.findings.push({ kind: "policy-not-run", severity: "warning", message: sentence });

  const notAnalysed = sources.flatMap((s) => s.skipped);
  const readSection: AnalysisSection = {
    id: "read",
    title: "Deployed state read",
    summary:
      sources
        .map((s) => {
          const other = Object.entries(s.counts).filter(([k]) => k.startsWith("not network") || k.startsWith("encrypted") || k.startsWith("also counted"));
          const extra = other.map(([k, n]) => `, ${n} ${k}`).join("");
          return `${s.file} (${s.format}): ${plural(s.resources.length, "resource")}${extra}${s.skipped.length ? `, ${s.skipped.length} not analysed` : ""}`;
        })
        .join("; ") +
      `. ${notAnalysed.length === 0 ? "Every record was read." : `${plural(notAnalysed.length, "record")} not analysed (listed with the reason).`}`,
    findings: [
      ...notAnalysed.map((s): AnalysisFinding => ({ kind: "not-analysed", severity: "warning", message: `${s.file} ${s.at} (${s.kind}): ${s.reason}` })),
      ...placed.map((g): AnalysisFinding => ({ kind: "zone-guessed", severity: "note", message: `subnet ${g.subnet} placed in zone ${g.zone} by its ${g.because} (no netseg:zone tag); tag it netseg:zone=${g.zone} to make it explicit`, urns: [g.urn] })),
    ],
  };
  const analyses = [reach, readSection];
  let drift: AuditSummary["drift"];
  if (declared && options.declared) {
    // The stack exports' resources as read (no zone placed by guess): what the program deployed.
    const deployed = sources.filter((x) => x.format === "pulumi-stack-export").flatMap((x) => x.resources);
    if (deployed.length === 0) throw new PreviewError(`--declared compares a recorded preview with a stack export, and no --from file is one: add --from <pulumi stack export JSON>.`);
    const d = computeDrift(declared, deployed, new Set(sources.flatMap((x) => x.external ?? [])));
    if (d.compared === 0 && declared.some((r) => r.custom)) {
      // Nothing pairs: every resource would read as added and every declared one as deleted.
      const projectOf = (urn: string | undefined) => urn?.split("::")[1] ?? "?";
      throw new PreviewError(
        `The recorded preview ${options.declared} declares none of the deployed resources (its project is ${projectOf(declared[0]?.urn)}, the export's ${projectOf(deployed[0]?.urn)}): ` +
          `drift needs a preview of the program behind the stack export. Record it with: netseg preview <that program's dir> --format json -o ${options.declared}`,
      );
    }
    drift = { count: d.count, compared: d.compared, notCompared: d.notCompared, items: d.items, against: options.declared };
    analyses.push({
      id: "drift",
      title: "Drift: declared (recorded preview) against deployed",
      summary: `${plural(d.count, "resource")} drifted (${d.compared} compared${d.notCompared.length ? `; ${d.notCompared.length} values not compared: unknown at preview or encrypted in the export` : ""}).`,
      findings: d.items.map((i) => ({ kind: `drift-${i.change}`, severity: "error", message: driftLine(i), urns: [i.urn] })),
    });
  }

  const report = buildReport({
    project,
    stack,
    programDir: ".",
    programEntry: options.from[0] ?? ".",
    resources: recorded,
    packs: policies.packs,
    violations: policies.violations,
    remediations: [],
    analyses,
    sources: [],
  }) as AuditReport;
  delete report.declared;
  // The resource line's components and providers: the stack export's, read but not analysed.
  const total = (key: string) => sources.reduce((n, x) => n + (x.counts[key] ?? 0), 0);
  report.resources.components = total(COMPONENTS);
  report.resources.providers = total(PROVIDERS);
  const s = report.summary;
  const driftPart = drift ? `drift ${drift.count}, ` : "";
  const unanalysed = notAnalysed.length ? `, ${notAnalysed.length} not analysed` : "";
  s.line = `${s.exitCode === 0 ? "PASS" : "FAIL"}: ${driftPart}${plural(resources.length, "resource")} read from ${plural(sources.length, "file")}${unanalysed}, ${s.mandatory} mandatory, ${s.advisory} advisory, ${plural(s.analysisErrors, "analysis error")} (${project}/${stack})`;
  report.audit = {
    sources: sources.map((x) => ({ file: x.file, format: x.format, resources: x.resources.length, notAnalysed: x.skipped.length, counts: { ...x.counts } })),
    notAnalysed,
    ...(drift ? { drift } : {}),
  };
  return report;
}
