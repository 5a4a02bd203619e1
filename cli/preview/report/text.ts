/** Plain-text report for terminals and CI logs. */
import type { AnalysisSection } from "../analysis";
import type { ProgramLog, Violation } from "../types";
import type { PreviewReport } from "./model";
import { shortUrn } from "./model";

function violationLines(title: string, vs: Violation[]): string[] {
  if (vs.length === 0) return [];
  const lines = [`${title} (${vs.length})`];
  for (const v of vs) {
    const detail = v.message.split("\n").slice(v.message.startsWith(v.description) ? 1 : 0).join(" ").trim() || v.description;
    lines.push(`  [${v.policyPack}/${v.policy}] ${shortUrn(v.urn)}`, `      ${detail}`);
  }
  return [...lines, ""];
}

/** Where a program log came from, and the resource it names (its full URN) when it names one. */
function logOrigin(l: ProgramLog): string {
  return `${l.source === "console" ? "console" : "pulumi.log"}${l.urn ? ` ${l.urn}` : " (no resource)"}`;
}

function programLogLines(title: string, logs: ProgramLog[], note = ""): string[] {
  if (logs.length === 0) return [];
  return [`${title} (${logs.length})${note}`, ...logs.flatMap((l) => [`  [${logOrigin(l)}]`, `      ${l.message.replace(/\s*\n\s*/g, " ")}`]), ""];
}

export function matrixLines(section: AnalysisSection): string[] {
  const m = section.matrix;
  if (!m) return [];
  const head = [m.rowHeader, ...m.columns];
  const rows = m.rows.map((r, i) => [r, ...m.cells[i]]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const fmt = (cells: string[]) => "  " + cells.map((c, i) => (c ?? "").padEnd(widths[i])).join("  ").trimEnd();
  return [fmt(head), ...rows.map(fmt), ...(m.legend ? [`  ${m.legend}`] : [])];
}

export function renderText(report: PreviewReport): string {
  const out: string[] = [`netseg preview: ${report.project}/${report.stack} (${report.programDir})`, ""];
  out.push(`Resources by zone (${report.resources.managed} resources, ${report.resources.components} components, ${report.resources.providers} providers)`);
  for (const z of report.resources.byZone) {
    out.push(`  ${z.zone} (${z.count})`);
    for (const t of z.types) out.push(`    ${String(t.count).padStart(4)}  ${t.type}`);
  }
  out.push("");
  if (report.packs.length > 0) {
    out.push(`Policy packs: ${report.packs.map((p) => `${p.name}@${p.version} (${p.policies.length} policies)`).join(", ")}`, "");
  } else {
    out.push("Policy packs: none (pass --policy-pack <dir>)", "");
  }
  for (const s of report.analyses) {
    out.push(s.title);
    if (s.summary) out.push(`  ${s.summary}`);
    out.push(...matrixLines(s));
    for (const f of s.findings) out.push(`  ${f.severity.toUpperCase()} ${f.kind}: ${f.message}`);
    out.push("");
  }
  out.push(...violationLines("Mandatory violations", report.violations.mandatory));
  out.push(...violationLines("Advisory violations", report.violations.advisory));
  if (report.remediations.length > 0) {
    out.push(`Remediations applied before analysis (${report.remediations.length})`);
    for (const r of report.remediations) out.push(`  [${r.policyPack}/${r.policy}] ${shortUrn(r.urn)}`);
    out.push("");
  }
  // Next to the verdict, where a terminal leaves the reader's eye.
  out.push(...programLogLines("Program errors", report.programLogs.filter((l) => l.level === "error"), ": a pulumi.log.error fails the preview"));
  out.push(...programLogLines("Program warnings", report.programLogs.filter((l) => l.level === "warning")));
  out.push(report.summary.line);
  return out.join("\n") + "\n";
}
