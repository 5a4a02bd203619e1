/** Markdown report, fit for a pull-request comment: the verdict first, details in tables, the long parts folded. */
import type { ProgramLog, Violation } from "../types";
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

function programLogTable(logs: ProgramLog[]): string[] {
  const rows = logs.map((l) => `| ${l.source === "console" ? "console" : "`pulumi.log`"} | ${l.urn ? `\`${cell(l.urn)}\`` : "—"} | ${cell(l.message)} |`);
  return ["| From | Resource | Message |", "|---|---|---|", ...rows];
}

/** `aws:ec2/subnet:Subnet` -> `Subnet`: the zone table names types briefly; the text report has them in full. */
function shortType(type: string): string {
  return type.slice(type.lastIndexOf(":") + 1);
}

/**
 * Order for a reviewer: the verdict, what blocks the merge (mandatory violations, analysis
 * errors), the reachability matrix, then the advisory findings and the resource inventory
 * folded away.
 */
export function renderMarkdown(report: PreviewReport): string {
  const icon = report.summary.exitCode === 0 ? "✅" : "❌";
  const out: string[] = [`## ${icon} netseg preview — \`${report.project}/${report.stack}\``, "", `**${report.summary.line}**`, ""];
  if (report.violations.mandatory.length > 0) {
    out.push(`### Mandatory violations (${report.violations.mandatory.length})`, "", ...violationTable(report.violations.mandatory), "");
  }
  const programErrors = report.programLogs.filter((l) => l.level === "error");
  const programWarnings = report.programLogs.filter((l) => l.level === "warning");
  if (programErrors.length > 0) out.push(`### Program errors (${programErrors.length})`, "", ...programLogTable(programErrors), "");
  if (programWarnings.length > 0) out.push(`### Program warnings (${programWarnings.length})`, "", ...programLogTable(programWarnings), "");
  for (const s of report.analyses) {
    out.push(`### ${s.title}`, "");
    if (s.summary) out.push(s.summary, "");
    const shown = s.findings.filter((f) => f.severity !== "note");
    const notes = s.findings.filter((f) => f.severity === "note");
    for (const f of shown) out.push(`- **${f.severity}** \`${f.kind}\`: ${cell(f.message)}`);
    if (shown.length > 0) out.push("");
    if (s.matrix) {
      const m = s.matrix;
      out.push(`| ${[m.rowHeader, ...m.columns].map(cell).join(" | ")} |`, `|${[m.rowHeader, ...m.columns].map(() => "---").join("|")}|`);
      m.rows.forEach((r, i) => out.push(`| ${[r, ...m.cells[i]].map(cell).join(" | ")} |`));
      if (m.legend) out.push("", `_${m.legend}_`);
      out.push("");
    }
    if (notes.length > 0) {
      out.push("<details>", `<summary>Notes (${notes.length})</summary>`, "");
      for (const f of notes) out.push(`- \`${f.kind}\`: ${cell(f.message)}`);
      out.push("", "</details>", "");
    }
  }
  if (report.violations.advisory.length > 0) {
    out.push("<details>", `<summary>Advisory violations (${report.violations.advisory.length})</summary>`, "");
    out.push(...violationTable(report.violations.advisory), "", "</details>", "");
  }
  out.push("<details>", `<summary>Resources by zone (${report.resources.managed} managed)</summary>`, "", "| Zone | Resources | Types |", "|---|---:|---|");
  for (const z of report.resources.byZone) {
    out.push(`| ${cell(z.zone)} | ${z.count} | ${z.types.map((t) => `${cell(shortType(t.type))}&nbsp;×${t.count}`).join(", ")} |`);
  }
  out.push("", "</details>", "");
  if (report.packs.length > 0) {
    out.push(`<sub>Policy packs: ${report.packs.map((p) => `${p.name}@${p.version}`).join(", ")}</sub>`);
  }
  return out.join("\n") + "\n";
}
