/**
 * SARIF 2.1.0 for code-scanning tools: one rule per policy (and per analysis finding kind, and
 * per kind of program log), one result per violation, finding or program warning/error, the
 * resource URN (when known) as the logical location. Code-scanning UIs need a physical location
 * too, so each result also points at the program's entry file.
 */
import * as path from "node:path";
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { PreviewReport } from "./model";

export function renderSarif(report: PreviewReport, baseDir = process.cwd()): string {
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const ruleFor = (id: string, name: string, description: string, level: "error" | "warning" | "note"): number => {
    let i = ruleIndex.get(id);
    if (i === undefined) {
      i = rules.length;
      ruleIndex.set(id, i);
      rules.push({ id, name, shortDescription: { text: description || name }, defaultConfiguration: { level } });
    }
    return i;
  };
  for (const pack of report.packs) {
    for (const p of pack.policies) {
      const level = p.level === "mandatory" || p.level === "remediate" ? "error" : p.level === "disabled" ? "none" : "warning";
      const id = `${pack.name}/${p.name}`;
      ruleIndex.set(id, rules.length);
      rules.push({ id, name: p.name, shortDescription: { text: p.description || p.name }, defaultConfiguration: { level, enabled: p.level !== "disabled" } });
    }
  }
  const artifact = path.relative(baseDir, report.programEntry).split(path.sep).join("/") || ".";
  const physical = [{ physicalLocation: { artifactLocation: { uri: artifact }, region: { startLine: 1 } } }];
  const results: Result[] = [];
  for (const v of [...report.violations.mandatory, ...report.violations.advisory]) {
    const id = `${v.policyPack}/${v.policy}`;
    const level = v.level === "mandatory" ? "error" : "warning";
    results.push({
      ruleId: id,
      ruleIndex: ruleFor(id, v.policy, v.description, level),
      level,
      message: { text: v.message },
      locations: [{ ...physical[0], logicalLocations: [{ fullyQualifiedName: v.urn, kind: "resource" }] }],
      properties: { policyPack: v.policyPack, policyPackVersion: v.policyPackVersion, phase: v.phase },
    });
  }
  for (const s of report.analyses) {
    for (const f of s.findings) {
      const id = `netseg-analysis/${s.id}/${f.kind}`;
      const level = f.severity;
      results.push({
        ruleId: id,
        ruleIndex: ruleFor(id, f.kind, `${s.title}: ${f.kind}`, level),
        level,
        message: { text: f.message },
        locations: [{ ...physical[0], logicalLocations: (f.urns ?? []).map((urn) => ({ fullyQualifiedName: urn, kind: "resource" })) }],
      });
    }
  }
  // What the program logged: a pulumi.log.error fails the preview (level error), the rest warn.
  for (const l of report.programLogs) {
    const id = l.source === "console" ? "netseg-program/console" : `netseg-program/log-${l.level}`;
    const description =
      l.source === "console" ? "The program wrote to console.warn or console.error" : `The program logged ${l.level === "error" ? "an error" : "a warning"} with pulumi.log.${l.level === "error" ? "error" : "warn"}`;
    results.push({
      ruleId: id,
      ruleIndex: ruleFor(id, id.slice("netseg-program/".length), description, l.level),
      level: l.level,
      message: { text: l.message },
      locations: [{ ...physical[0], logicalLocations: l.urn ? [{ fullyQualifiedName: l.urn, kind: "resource" }] : [] }],
      properties: { source: l.source },
    });
  }
  const log: Log = {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [
      {
        tool: { driver: { name: "netseg preview", informationUri: "https://github.com/netseg/netseg", rules } },
        results,
        properties: { summary: report.summary.line },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
