/**
 * Zone diagrams: one node per zone (with its resource count) and the flows the analyses
 * report: intended flows plain, unintended paths red, accidental denies dashed. Without an
 * analysis that reports edges the diagram shows the zones alone.
 */
import type { AnalysisEdge } from "../analysis";
import { UNZONED, type PreviewReport } from "./model";

function nodeId(zone: string): string {
  return `z_${zone.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/**
 * Nodes: every endpoint an edge names, then every zone of the report no edge node stands for
 * (a zone `app` is stood for by `app` itself or by a platform's `aws:app`). Resources outside
 * any zone are not a node. A count is shown where the node is exactly a zone of the report.
 */
function collect(report: PreviewReport): { zones: { zone: string; count?: number }[]; edges: AnalysisEdge[] } {
  const counts = new Map(report.resources.byZone.map((z) => [z.zone, z.count]));
  const edges = report.analyses.flatMap((s) => s.edges ?? []);
  const nodes = new Set<string>(edges.flatMap((e) => [e.from, e.to]));
  const zonesStoodFor = new Set([...nodes].map((n) => n.slice(n.indexOf(":") + 1)));
  for (const zone of counts.keys()) if (zone !== UNZONED && !zonesStoodFor.has(zone)) nodes.add(zone);
  const sortedEdges = [...edges].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.status.localeCompare(b.status));
  return { zones: [...nodes].sort().map((zone) => ({ zone, count: counts.get(zone) })), edges: sortedEdges };
}

const label = (z: { zone: string; count?: number }) => (z.count === undefined ? z.zone : `${z.zone} (${z.count})`);

export function renderMermaid(report: PreviewReport): string {
  const { zones, edges } = collect(report);
  const out = ["flowchart LR"];
  for (const z of zones) out.push(`  ${nodeId(z.zone)}["${label(z)}"]`);
  const styles: string[] = [];
  edges.forEach((e, i) => {
    const label = e.status === "intended" ? e.label ?? "" : `${e.status}${e.label ? `: ${e.label}` : ""}`;
    const arrow = e.status === "accidental-deny" ? "-.->" : "-->";
    out.push(`  ${nodeId(e.from)} ${arrow}${label ? `|"${label}"|` : ""} ${nodeId(e.to)}`);
    if (e.status === "unintended") styles.push(`  linkStyle ${i} stroke:#d00,stroke-width:2px`);
    if (e.status === "accidental-deny") styles.push(`  linkStyle ${i} stroke:#e80,stroke-dasharray:4`);
  });
  return [...out, ...styles].join("\n") + "\n";
}

export function renderDot(report: PreviewReport): string {
  const { zones, edges } = collect(report);
  const out = ["digraph netseg {", "  rankdir=LR;", "  node [shape=box, style=rounded];"];
  for (const z of zones) out.push(`  ${nodeId(z.zone)} [label="${label(z)}"];`);
  for (const e of edges) {
    const attrs = [`label="${e.status === "intended" ? e.label ?? "" : `${e.status}${e.label ? `: ${e.label}` : ""}`}"`];
    if (e.status === "unintended") attrs.push('color="red"', "penwidth=2");
    if (e.status === "accidental-deny") attrs.push('color="orange"', 'style="dashed"');
    out.push(`  ${nodeId(e.from)} -> ${nodeId(e.to)} [${attrs.join(", ")}];`);
  }
  out.push("}");
  return out.join("\n") + "\n";
}
