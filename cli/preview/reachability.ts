/**
 * The built-in analysis: core/reachability's matrix of who can reach whom, computed from the
 * recorded resources (security groups, NACLs, routes, firewalls, NetworkPolicies), held against
 * the intents. They come from `--intent <file>` when given (each held against every platform with
 * an endpoint for one of its zones), else from the netseg components in the stack (their
 * `intent` input or output, or SegmentedVpc's `plan.intent`), each held against its component's
 * platform only (core/reachability's scope: `netseg:aws:*` -> aws, and so on).
 * Unintended paths, accidental denies and internet paths into sensitive zones are errors (they
 * fail the preview, exit 1); paths allowed only if unknown values turn out so and blocked DNS
 * are warnings. The diagram draws allowed paths, unintended ones red, accidental denies dashed.
 *
 * Large stacks: the engine's cost grows linearly with the network resources (50,000 of the
 * preview benchmark's shape in under a second) but with the square of the endpoints it judges.
 * Cloud workloads every rule treats alike are judged once (10,000 instances in 200 subnets are
 * about 230 endpoints to judge: 1.6 s, bench/RESULTS-workloads.md); endpoints that cannot be
 * grouped cost more (Kubernetes workloads, measured 2026-12-06 on 2 cores: 633 endpoints 2.2 s
 * and 0.4 GB max RSS, 1,263 endpoints 10.3 s and 1.2 GB). So the safety net is on endpoints to
 * judge: above {@link REACHABILITY_LIMIT} of them no pair is judged and the preview fails (exit 2:
 * a matrix not computed proved nothing), saying how many there were; `NETSEG_REACHABILITY_LIMIT`
 * changes the limit, `--no-analysis` skips the analysis explicitly. An intent in the stack that
 * cannot be read fails it too.
 */
import * as path from "node:path";
import { loadIntentFile, resolveIntent, type Intent } from "../../core/intent";
import { analyseReachability, compareWithIntent, componentPlatform, componentTenant, mergeScoped, platformsIn, type Endpoint, type Finding, type Matrix, type NetResource, type ScopedIntent } from "../../core/reachability";
import { WORKLOAD_DISPLAY_LIMIT, type AnalysisContext, type AnalysisEdge, type AnalysisFinding, type AnalysisProvider, type AnalysisSection } from "./analysis";
import { PreviewError, errorText, oneParagraph } from "./errors";
import type { RecordedResource } from "./types";

/** Endpoints above which no pair is judged (see the module comment). */
export const REACHABILITY_LIMIT = 1000;

function limit(): number {
  const env = Number(process.env.NETSEG_REACHABILITY_LIMIT);
  return Number.isInteger(env) && env > 0 ? env : REACHABILITY_LIMIT;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * The intents to hold the matrix against: the given files (each applying to every platform with
 * an endpoint for one of its zones), else every distinct intent the stack's netseg components
 * carry, each applying to its components' platforms (see core/reachability's scope). A file that
 * does not load is bad input (exit 2); an intent in the stack that does not parse is returned as
 * a problem, which the analysis turns into a failure (exit 2).
 */
export function intentsOf(
  resources: readonly RecordedResource[],
  files: readonly string[] = [],
  programDir = ".",
): { intents: (ScopedIntent & { from: string })[]; problems: string[] } {
  if (files.length > 0) {
    return {
      intents: files.map((file) => {
        try {
          return { intent: loadIntentFile(file), from: file };
        } catch (err) {
          throw new PreviewError(`The --intent file ${file} could not be used: ${oneParagraph(errorText(err), 4000)}`);
        }
      }),
      problems: [],
    };
  }
  const found: ScopedIntent[] = [];
  const from = new Map<string, string>();
  const problems: string[] = [];
  for (const r of resources) {
    if (!r.type.startsWith("netseg:")) continue;
    // `plan.intent`: SegmentedVpc registered its whole plan before it registered its intent (issue 17).
    const candidates = [r.outputs.intent, r.inputs.intent, asRecord(r.outputs.plan)?.intent];
    const value = candidates.find((v) => asRecord(v) !== undefined || (typeof v === "string" && v.trim() !== ""));
    if (value === undefined) continue;
    try {
      // A string is the intent file's path, as the component read it (relative to the program's directory).
      const intent = typeof value === "string" ? loadIntentFile(path.resolve(programDir, value)) : resolveIntent(value as Intent, `the intent of ${r.urn}`);
      const platform = componentPlatform(r.type);
      const tenant = componentTenant(r.inputs.tags ?? r.outputs.tags);
      found.push({ intent, ...(platform ? { platforms: [platform] } : {}), ...(tenant ? { tenant } : {}) });
      if (!from.has(intent.name)) from.set(intent.name, r.urn);
    } catch (err) {
      problems.push(`The intent carried by ${r.urn} could not be read: ${oneParagraph(errorText(err))}`);
    }
  }
  return { intents: mergeScoped(found).map((s) => ({ ...s, from: from.get(s.intent.name)! })), problems };
}

const KINDS: [keyof ReturnType<typeof compareWithIntent>, AnalysisFinding["kind"], AnalysisFinding["severity"]][] = [
  ["unintended", "unintended-path", "error"],
  ["accidentalDenies", "accidental-deny", "error"],
  ["internetToSensitive", "internet-to-sensitive", "error"],
  ["latent", "latent-path", "error"],
  ["uncertain", "uncertain-path", "warning"],
  ["dnsBlocked", "dns-blocked", "warning"],
  ["quarantineBreaches", "quarantine-breach", "error"],
  ["cutByQuarantine", "cut-by-quarantine", "note"],
];

export const reachabilityAnalysis: AnalysisProvider = (resources, ctx: AnalysisContext) => {
  const section: AnalysisSection = { id: "reachability", title: "Reachability held against the intent", findings: [] };
  const { intents, problems } = intentsOf(resources, ctx.intentFiles, ctx.programDir);
  const net: NetResource[] = resources
    .filter((r) => r.custom && !r.type.startsWith("pulumi:"))
    .map((r) => ({
      type: r.type,
      urn: r.urn,
      name: r.name,
      inputs: r.inputs,
      id: r.id,
      parent: r.parent,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
    }));
  // Each intent applies to its platforms only: it names their peers and, on Kubernetes, the
  // workloads it promises; it never invents endpoints on a platform it does not apply to.
  const matrix = analyseReachability(net, { intents, maxEndpoints: limit(), ephemeralPorts: ctx.ephemeralPorts });
  // Fail closed: an intent that cannot be read, or a matrix not computed, judged nothing.
  if (problems.length > 0) {
    throw new PreviewError(
      `${problems.join(" ")} The reachability matrix cannot be held against an intent it cannot read, so the preview cannot pass. ` +
        `Fix the intent given to that component, or pass --intent <file> to judge against a file (or --no-analysis to skip the analysis).`,
    );
  }
  if (matrix.skipped) {
    throw new PreviewError(
      `The reachability analysis did not run: ${matrix.skipped}. The engine's cost grows with the square of the endpoints; ` +
        `set NETSEG_REACHABILITY_LIMIT to raise the limit, or pass --no-analysis to preview with the policy packs alone.`,
    );
  }
  for (const note of matrix.notes) section.findings.push({ kind: "reachability-note", severity: "note", message: note });
  if (matrix.endpoints.length === 0) {
    section.summary = "No network resources the reachability engine reads (security groups, subnets, firewalls, NetworkPolicies).";
    return section;
  }

  // Cloud workloads sit under their zone: as rows and nodes of their own, or folded into the
  // zone's (`--workloads`). Workloads alike are one row, `(+N alike)`.
  const { order, parent, alike } = layout(matrix);
  const judgedWorkloads = order.filter((e) => isCloudWorkload(e)).length;
  const collapse = ctx.workloads === "collapse" || (ctx.workloads !== "show" && judgedWorkloads > WORKLOAD_DISPLAY_LIMIT);
  const shown = collapse ? order.filter((e) => !isCloudWorkload(e) || !parent.has(e.id)) : order;
  // Diagram nodes are zones as the report names them (`app`), platform-qualified only when two
  // platforms have a zone of that name (`aws:app`, `gcp:app`); a folded workload is its zone's node.
  const keyCount = new Map<string, number>();
  for (const e of matrix.endpoints) keyCount.set(e.key, (keyCount.get(e.key) ?? 0) + 1);
  const nodeOf = new Map(matrix.endpoints.map((e) => [e.id, keyCount.get(e.key)! > 1 ? e.id : e.key]));
  const sameAs = new Map(matrix.endpoints.filter((e) => e.sameAs).map((e) => [e.id, e.sameAs!]));
  const node = (id: string) => {
    const rep = sameAs.get(id) ?? id;
    const own = collapse && parent.has(rep) ? parent.get(rep)! : rep;
    return nodeOf.get(own) ?? own;
  };
  // Hold the matrix against each intent; a pair flagged by any intent is drawn as flagged.
  const flagged = new Map<string, AnalysisEdge["status"]>();
  const denies: AnalysisEdge[] = [];
  const judged: string[] = [];
  for (const { intent, platforms, tenant, from } of intents) {
    const report = compareWithIntent(matrix, intent, { platforms, tenant });
    const on = platformsIn(matrix, { intent, platforms, tenant });
    judged.push(`${intent.name} (from ${from.startsWith("urn:") ? from.slice(from.lastIndexOf("::") + 2) : from}; on ${on.length ? on.join(", ") : "no platform"})`);
    for (const [field, kind, severity] of KINDS) {
      for (const f of report[field] as readonly Finding[]) {
        section.findings.push({ kind, severity, message: `intent ${intent.name}: ${f.message}`, from: f.from, to: f.to, urns: [...f.urns] });
        const [a, b] = [node(f.from), node(f.to)];
        if (kind === "accidental-deny") denies.push({ from: a, to: b, label: f.traffic.toString(), status: "accidental-deny" });
        else if (severity === "error") flagged.set(`${a}|${b}`, "unintended");
      }
    }
    for (const note of report.quarantineNotJudged) section.findings.push({ kind: "quarantine-not-judged", severity: "note", message: `intent ${intent.name}: ${note}` });
    for (const flow of report.unresolved) {
      section.findings.push({ kind: "intent-unresolved", severity: "note", message: `intent ${intent.name}: ${flow}` });
    }
  }

  const ids = shown.map((e) => e.id);
  const edges = new Map<string, AnalysisEdge>();
  // Every judged pair is an edge (folded workloads join their zone's edge); the table shows the rows shown.
  for (const pair of matrix.pairs) {
    if (pair.possible.isEmpty()) continue;
    const [a, b] = [node(pair.from), node(pair.to)];
    if (a === b) continue;
    const k = `${a}|${b}`;
    const allowed = pair.allowed.toString();
    const label = allowed === "nothing" ? `? ${pair.possible}` : allowed;
    const before = edges.get(k);
    if (!before) edges.set(k, { from: a, to: b, label, status: flagged.get(k) ?? "intended" });
    else if (before.label !== label) edges.set(k, { ...before, label: `${before.label}, ${label}` });
  }
  const cells = ids.map((from) =>
    ids.map((to) => {
      const pair = matrix.pair(from, to);
      if (!pair || pair.possible.isEmpty()) return "-";
      const allowed = pair.allowed.toString();
      const possible = pair.possible.toString();
      return allowed === possible ? allowed : `${allowed === "nothing" ? "" : `${allowed} `}? ${possible}`;
    }),
  );
  const rowName = (e: Endpoint) => {
    const n = alike.get(e.id) ?? 0;
    const label = parent.has(e.id) ? `  ${e.id}` : e.id;
    return n ? `${label} (+${n} alike)` : label;
  };
  const errors = section.findings.filter((f) => f.severity === "error").length;
  const cut = section.findings.filter((f) => f.kind === "cut-by-quarantine").length;
  const workloads = matrix.endpoints.filter((e) => isCloudWorkload(e)).length;
  const workloadNote = workloads
    ? ` (${workloads} of them workloads, judged as ${judgedWorkloads} alike classes${collapse ? `; folded into their zones in the table and diagram${ctx.workloads === "collapse" ? "" : ` as there are more than ${WORKLOAD_DISPLAY_LIMIT} classes`}, --workloads show lists them` : ""})`
    : "";
  section.summary =
    `${matrix.endpoints.length} endpoints${workloadNote}, ${edges.size} allowed paths between ${collapse ? "zones" : "them"}. ` +
    (judged.length
      ? `Held against intent ${judged.join(", ")}: ${errors === 0 ? (cut ? `every path is intended and every intended flow passes, but for ${cut} pair${cut === 1 ? "" : "s"} cut by a quarantine` : "every path is intended and every intended flow passes") : `${errors} finding${errors === 1 ? "" : "s"}`}.`
      : "No intent found in the stack's netseg components; pass --intent <file> to judge the paths.");
  section.matrix = { rowHeader: "from \\ to", rows: shown.map(rowName), columns: ids, cells, legend: "'-' nothing allowed; '?' allowed only if values unknown at preview turn out so." };
  section.edges = [...edges.values(), ...denies];
  return section;
};

/** A workload on AWS or GCP (Kubernetes workloads are the zones' own rows, as before). */
function isCloudWorkload(e: Endpoint): boolean {
  return e.kind === "workload" && e.platform !== "k8s";
}

/**
 * The matrix's judged endpoints in report order, each zone followed by its workloads; the zone
 * each workload sits under (by zone and tenant, or by the untagged network); how many workloads
 * each representative stands for.
 */
function layout(matrix: Matrix): { order: Endpoint[]; parent: Map<string, string>; alike: Map<string, number> } {
  const alike = new Map<string, number>();
  for (const e of matrix.endpoints) if (e.sameAs) alike.set(e.sameAs, (alike.get(e.sameAs) ?? 0) + 1);
  const judged = matrix.endpoints.filter((e) => !e.sameAs);
  const zones = new Map(judged.filter((e) => !isCloudWorkload(e)).map((e) => [e.id, e]));
  const byNetwork = new Map(judged.filter((e) => e.kind === "zone" && e.network).map((e) => [`${e.platform}|${e.network}`, e.id]));
  const parent = new Map<string, string>();
  for (const e of judged) {
    if (!isCloudWorkload(e)) continue;
    const zoneId = e.zone !== undefined ? `${e.platform}:${e.tenant ? `${e.tenant}/` : ""}${e.zone}` : e.network ? byNetwork.get(`${e.platform}|${e.network}`) : undefined;
    if (zoneId && zones.has(zoneId)) parent.set(e.id, zoneId);
  }
  const under = new Map<string, Endpoint[]>();
  for (const e of judged) if (parent.has(e.id)) under.set(parent.get(e.id)!, [...(under.get(parent.get(e.id)!) ?? []), e]);
  const order: Endpoint[] = [];
  for (const e of judged) {
    if (parent.has(e.id)) continue;
    order.push(e, ...(under.get(e.id) ?? []));
  }
  return { order, parent, alike };
}
