/** Markdown report, fit for a pull-request comment: summary first, details in tables. */
import type { Violation } from "../types";
import type { PreviewReport } from "./model";
import { shortUrn } from "./model";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function violationTable(vs: Violation[]): string[] {
  const rows = vs.map((v) => {
    const detail = v.message.startsWith(v.description) ? v.message.slice(v.description.length).trim() || v.description : v.message;
    return `| \`${cell(v.policyPack)}/${cell(v.policy)}\` | \`${cell(shortUrn(v.urn))}\` | ${cell(detail)} |`;
  });
  return ["| Policy | Resource | Message |", "|---|---|---|", ...rows];
}

export function renderMarkdown(report: PreviewReport): string {
  const icon = report.summary.exitCode === 0 ? "✅" : "❌";
  const out: string[] = [`## ${icon} netseg preview — \`${report.project}/${report.stack}\``, "", `**${report.summary.line}**`, ""];
  out.push("### Resources by zone", "", "| Zone | Type | Count |", "|---|---|---:|");
  for (const z of report.resources.byZone) {
    for (const t of z.types) out.push(`| ${cell(z.zone)} | \`${cell(t.type)}\` | ${t.count} |`);
  }
  out.push("");
  for (const s of report.analyses) {
    out.push(`### ${s.title}`, "");
    if (s.summary) out.push(s.summary, "");
    if (s.matrix) {
      const m = s.matrix;
      out.push(`| ${[m.rowHeader, ...m.columns].map(cell).join(" | ")} |`, `|${[m.rowHeader, ...m.columns].map(() => "---").join("|")}|`);
      m.rows.forEach((r, i) => out.push(`| ${[r, ...m.cells[i]].map(cell).join(" | ")} |`));
      if (m.legend) out.push("", `_${m.legend}_`);
      out.push("");
    }
    for (const f of s.findings) out.push(`- **${f.severity}** \`${f.kind}\`: ${cell(f.message)}`);
    if (s.findings.length > 0) out.push("");
  }
  if (report.violations.mandatory.length > 0) {
    out.push(`### Mandatory violations (${report.violations.mandatory.length})`, "", ...violationTable(report.violations.mandatory), "");
  }
  if (report.violations.advisory.length > 0) {
    out.push("<details>", `<summary>Advisory violations (${report.violations.advisory.length})</summary>`, "");
    out.push(...violationTable(report.violations.advisory), "", "</details>", "");
  }
  if (report.packs.length > 0) {
    out.push(`<sub>Policy packs: ${report.packs.map((p) => `${p.name}@${p.version}`).join(", ")}</sub>`);
  }
  return out.join("\n") + "\n";
}
