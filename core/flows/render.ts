/** The flow report as text, markdown or JSON; plain functions of the report. */
import type { FlowReport, PairReport } from "./analyse";

export const FLOW_FORMATS = ["text", "json", "markdown"] as const;
export type FlowFormat = (typeof FLOW_FORMATS)[number];

function pct(x: number): string {
  return `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;
}

function pairNote(p: PairReport): string {
  const notes: string[] = [];
  if (p.replies) notes.push(`${p.replies} replies`);
  if (p.workloadScoped) notes.push(`${p.workloadScoped} allowed only for a workload`);
  if (p.acceptedNotAllowedTraffic.length) notes.push(`unintended: ${p.acceptedNotAllowedTraffic.slice(0, 3).map((t) => `${t.traffic} x${t.records}`).join(", ")}`);
  if (p.rejectedAllowedTraffic.length) notes.push(`denied but allowed: ${p.rejectedAllowedTraffic.slice(0, 3).map((t) => `${t.traffic} x${t.records}`).join(", ")}`);
  return notes.join("; ");
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(head), ...rows.map(line)];
}

const PAIR_HEAD = ["from", "to", "accepted+allowed", "ACCEPTED NOT ALLOWED", "REJECTED BUT ALLOWED", "rejected+not allowed", "notes"] as const;

function pairRow(p: PairReport): string[] {
  return [p.from, p.to, String(p.acceptedAllowed), String(p.acceptedNotAllowed), String(p.rejectedAllowed), String(p.rejectedNotAllowed), pairNote(p)];
}

export function renderFlowText(r: FlowReport): string {
  const out = [r.summary.line, "", `inputs: ${r.inputs.join(", ") || "none"}; ${r.totals.lines} lines, replies to ephemeral ports ${r.ephemeralPorts.from}-${r.ephemeralPorts.to}`, ""];
  for (const q of r.quarantine) out.push(q.judged ? `quarantined: ${q.target} since ${q.since} (${q.reason}): accepted records across its boundary are breaches` : `quarantined: ${q.target} since ${q.since} (${q.reason}): a workload, not told from its zone by address; its zone is judged as usual`);
  if (r.quarantine.length) out.push("");
  out.push("By zone pair (the flow's direction; replies counted with their flow):", ...table(PAIR_HEAD, r.pairs.map(pairRow)).map((l) => `  ${l}`), "");
  out.push("Denied-flow rate by zone:", ...table(["zone", "records", "rejected", "rate", "rejected but allowed"], r.zones.map((z) => [z.zone, String(z.records), String(z.rejected), pct(z.deniedRate), String(z.rejectedAllowed)])).map((l) => `  ${l}`), "");
  const flagged = r.pairs.filter((p) => p.examples.acceptedNotAllowed.length || p.examples.rejectedAllowed.length);
  if (flagged.length) {
    out.push("Where to look:");
    for (const p of flagged) {
      if (p.examples.acceptedNotAllowed.length) out.push(`  ${p.from} -> ${p.to} accepted, not allowed: ${p.examples.acceptedNotAllowed.map((o) => `${o.file}:${o.line}`).join(", ")}`);
      if (p.examples.rejectedAllowed.length) out.push(`  ${p.from} -> ${p.to} rejected, allowed: ${p.examples.rejectedAllowed.map((o) => `${o.file}:${o.line}`).join(", ")}`);
    }
    out.push("");
  }
  out.push(r.notAnalysed.length ? "Not analysed:" : "Not analysed: none");
  for (const s of r.notAnalysed) {
    out.push(`  ${s.count} ${s.text}`);
    for (const e of s.examples) out.push(`    ${e.file}:${e.line}: ${e.detail}`);
  }
  return out.join("\n") + "\n";
}

function md(text: string): string {
  return text.replace(/\|/g, "\\|");
}

export function renderFlowMarkdown(r: FlowReport): string {
  const out = [`## ${r.intent} netseg flows`, "", r.summary.line.replace(/^netseg flows: [^:]+: /, ""), ""];
  for (const q of r.quarantine) out.push(`- quarantined: **${md(q.target)}** since ${md(q.since)} (${md(q.reason)})${q.judged ? ": accepted records across its boundary are breaches" : ": a workload, judged as its zone (an address does not tell it)"}`);
  if (r.quarantine.length) out.push("");
  out.push("| from | to | accepted & allowed | **accepted, not allowed** | **rejected, allowed** | rejected & not allowed | notes |", "|---|---|---:|---:|---:|---:|---|");
  for (const p of r.pairs) out.push(`| ${pairRow(p).map(md).join(" | ")} |`);
  out.push("", "| zone | records | rejected | denied rate | rejected but allowed |", "|---|---:|---:|---:|---:|");
  for (const z of r.zones) out.push(`| ${md(z.zone)} | ${z.records} | ${z.rejected} | ${pct(z.deniedRate)} | ${z.rejectedAllowed} |`);
  out.push("");
  if (r.notAnalysed.length) {
    out.push("<details><summary>Not analysed</summary>", "");
    for (const s of r.notAnalysed) {
      out.push(`- ${s.count} ${md(s.text)}`);
      for (const e of s.examples) out.push(`  - \`${e.file}:${e.line}\`: ${md(e.detail)}`);
    }
    out.push("", "</details>", "");
  } else out.push("Not analysed: none", "");
  return out.join("\n");
}

export function renderFlowReport(r: FlowReport, format: FlowFormat): string {
  switch (format) {
    case "json":
      return JSON.stringify(r, null, 2) + "\n";
    case "markdown":
      return renderFlowMarkdown(r);
    case "text":
      return renderFlowText(r);
  }
}
