/**
 * The built-in analysis: core/reachability's matrix of who can reach whom, computed from the
 * recorded resources (security groups, NACLs, routes, NetworkPolicies), shown as a table and
 * as diagram edges. Pairs whose traffic depends on values unknown at preview are marked "?".
 * Holding the matrix against the intent (unintended paths, accidental denies) plugs in here
 * once core/reachability exports its intent comparison.
 */
import { analyseReachability, type NetResource } from "../../core/reachability";
import type { AnalysisEdge, AnalysisProvider, AnalysisSection } from "./analysis";

export const reachabilityAnalysis: AnalysisProvider = (resources) => {
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
  const matrix = analyseReachability(net);
  const section: AnalysisSection = { id: "reachability", title: "Reachability (from the declared resources)", findings: [] };
  for (const note of matrix.notes) section.findings.push({ kind: "reachability-note", severity: "note", message: note });
  if (matrix.endpoints.length === 0) {
    section.summary = "No network resources the reachability engine reads (security groups, subnets, NetworkPolicies).";
    return section;
  }
  const ids = matrix.endpoints.map((e) => e.id);
  // Diagram nodes are zones as the report names them (`app`), not platform-qualified ids.
  const keyOf = new Map(matrix.endpoints.map((e) => [e.id, e.key]));
  const edges: AnalysisEdge[] = [];
  const cells = ids.map((from) =>
    ids.map((to) => {
      const pair = matrix.pair(from, to);
      if (!pair || pair.possible.isEmpty()) return "-";
      const allowed = pair.allowed.toString();
      const possible = pair.possible.toString();
      if (from !== to) edges.push({ from: keyOf.get(from) ?? from, to: keyOf.get(to) ?? to, label: allowed === "nothing" ? `? ${possible}` : allowed, status: "intended" });
      return allowed === possible ? allowed : `${allowed === "nothing" ? "" : `${allowed} `}? ${possible}`;
    }),
  );
  section.summary = `${matrix.endpoints.length} endpoints, ${edges.length} allowed paths between them.`;
  section.matrix = { rowHeader: "from \\ to", rows: ids, columns: ids, cells, legend: "'-' nothing allowed; '?' allowed only if values unknown at preview turn out so." };
  section.edges = edges;
  return section;
};
