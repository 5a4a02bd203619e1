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
 * preview benchmark's shape in under a second) but with the square of the endpoints (zones and
 * workloads: about 550 cost 1.4 s and 430 MB, 1,100 cost 5.4 s and 2 GB, 2,200 ran out of
 * memory; bench/RESULTS-reachability.md). So the safety net is on endpoints: above
 * {@link REACHABILITY_LIMIT} of them no pair is judged and the preview fails (exit 2: a matrix
 * not computed proved nothing); `NETSEG_REACHABILITY_LIMIT` changes the limit, `--no-analysis`
 * skips the analysis explicitly. An intent in the stack that cannot be read fails it too.
 */
import * as path from "node:path";
import { loadIntentFile, resolveIntent, type Intent } from "../../core/intent";
import { analyseReachability, compareWithIntent, componentPlatform, componentTenant, mergeScoped, platformsIn, type Finding, type NetResource, type ScopedIntent } from "../../core/reachability";
import type { AnalysisContext, AnalysisEdge, AnalysisFinding, AnalysisProvider, AnalysisSection } from "./analysis";
import { PreviewError, errorText, oneParagraph } from "./errors";
import type { RecordedResource } from "./types";

/** Endpoints above which no pair is judged (see the module comment). */
export const REACHABILITY_LIMIT = 600;

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
  ["uncertain", "uncertain-path", "warning"],
  ["dnsBlocked", "dns-blocked", "warning"],
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

  // Diagram nodes are zones as the report names them (`app`), platform-qualified only when two
  // platforms have a zone of that name (`aws:app`, `gcp:app`).
  const keyCount = new Map<string, number>();
  for (const e of matrix.endpoints) keyCount.set(e.key, (keyCount.get(e.key) ?? 0) + 1);
  const nodeOf = new Map(matrix.endpoints.map((e) => [e.id, keyCount.get(e.key)! > 1 ? e.id : e.key]));
  const node = (id: string) => nodeOf.get(id) ?? id;
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
    for (const flow of report.unresolved) {
      section.findings.push({ kind: "intent-unresolved", severity: "note", message: `intent ${intent.name}: ${flow}` });
    }
  }

  const ids = matrix.endpoints.map((e) => e.id);
  const edges = new Map<string, AnalysisEdge>();
  const cells = ids.map((from) =>
    ids.map((to) => {
      const pair = matrix.pair(from, to);
      if (!pair || pair.possible.isEmpty()) return "-";
      const allowed = pair.allowed.toString();
      const possible = pair.possible.toString();
      if (from !== to) {
        const k = `${node(from)}|${node(to)}`;
        const label = allowed === "nothing" ? `? ${possible}` : allowed;
        edges.set(k, { from: node(from), to: node(to), label, status: flagged.get(k) ?? "intended" });
      }
      return allowed === possible ? allowed : `${allowed === "nothing" ? "" : `${allowed} `}? ${possible}`;
    }),
  );
  const errors = section.findings.filter((f) => f.severity === "error").length;
  section.summary =
    `${matrix.endpoints.length} endpoints, ${edges.size} allowed paths between them. ` +
    (judged.length
      ? `Held against intent ${judged.join(", ")}: ${errors === 0 ? "every path is intended and every intended flow passes" : `${errors} finding${errors === 1 ? "" : "s"}`}.`
      : "No intent found in the stack's netseg components; pass --intent <file> to judge the paths.");
  section.matrix = { rowHeader: "from \\ to", rows: ids, columns: ids, cells, legend: "'-' nothing allowed; '?' allowed only if values unknown at preview turn out so." };
  section.edges = [...edges.values(), ...denies];
  return section;
};
