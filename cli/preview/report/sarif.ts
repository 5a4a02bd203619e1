/**
 * SARIF 2.1.0 for code-scanning tools: one rule per policy (and per analysis finding kind, and
 * per kind of program log), one result per violation, finding or program warning/error.
 *
 * Each result points at the program: the line that declares the resource it names when the
 * program's sources tell (report.declarations, see locations.ts), otherwise the entry file; the
 * resource URN is its logical location. Rules carry what a code-scanning UI shows beside an
 * alert: a full description, help text (the remediation when the pack gives one), a help link,
 * tags and, where the severity is known, `security-severity` (GitHub's 0-10 score that ranks
 * security alerts as low, medium, high or critical).
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import type { Log, Location, ReportingDescriptor, Result } from "sarif";
import { version } from "../../../package.json";
import type { PolicySummary } from "../types";
import { entryFile, type SourceLocation } from "./locations";
import type { PreviewReport } from "./model";

const REPOSITORY = "https://github.com/netseg/netseg";
const DOCS = `${REPOSITORY}/blob/main`;

type Severity = "low" | "medium" | "high" | "critical";

/** GitHub's bands: low 0.1-3.9, medium 4.0-6.9, high 7.0-8.9, critical 9.0-10.0. */
const SECURITY_SEVERITY: Record<Severity, string> = { low: "3.0", medium: "5.5", high: "8.0", critical: "9.5" };

/**
 * A policy as the pack describes it (GetAnalyzerInfo's PolicyInfo). The preview's pack summary
 * carries name, description, level and kind; the other fields are read when it carries them too.
 */
type PolicyInfo = PolicySummary & { severity?: Severity; remediationSteps?: string; url?: string; tags?: string[] };

/** netseg's own packs, and the section of policy-packs/README.md whose table lists their rules. */
const NETSEG_PACK_DOCS: Record<string, string> = {
  "netseg-aws": "policy-packs/README.md#aws",
  "netseg-gcp": "policy-packs/README.md#gcp",
  "netseg-kubernetes": "policy-packs/README.md#kubernetes",
  "netseg-conformance": "policy-packs/README.md#rules",
};

function levelText(level: PolicySummary["level"]): string {
  return level === "remediate" ? "remediate (fixes what it can, reports as mandatory)" : level;
}

function policyRule(pack: string, p: PolicyInfo, severity: Severity | undefined): ReportingDescriptor {
  const description = p.description || p.name;
  const config = `Set its level (advisory, mandatory, remediate, disabled) and options under "${p.name}" in the --policy-pack-config file of pack ${pack}.`;
  const steps = p.remediationSteps?.trim();
  const docs = NETSEG_PACK_DOCS[pack];
  const helpUri = p.url || (docs ? `${DOCS}/${docs}` : undefined);
  return {
    id: `${pack}/${p.name}`,
    name: p.name,
    shortDescription: { text: description },
    fullDescription: { text: `${description} Policy ${p.name} of pack ${pack}, ${p.kind === "stack" ? "judged over the whole stack" : p.kind === "resource" ? "judged per resource" : "of unknown kind"}; enforcement ${levelText(p.level)}.` },
    help: {
      text: [description, steps ? `How to fix: ${steps}` : undefined, config].filter(Boolean).join("\n\n"),
      markdown: [`**${description}**`, steps ? `**How to fix:** ${steps}` : undefined, `Enforcement: \`${p.level}\`. ${config.replace(`"${p.name}"`, `\`"${p.name}"\``)}`, helpUri ? `[Rule documentation](${helpUri})` : undefined]
        .filter(Boolean)
        .join("\n\n"),
    },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: p.level === "mandatory" || p.level === "remediate" ? "error" : p.level === "disabled" ? "none" : "warning", enabled: p.level !== "disabled" },
    properties: {
      tags: [...new Set(["security", "network-segmentation", "policy", pack, ...(p.tags ?? [])])],
      ...(severity ? { "security-severity": SECURITY_SEVERITY[severity], severity } : {}),
      kind: p.kind,
    },
  };
}

function analysisRule(id: string, section: { id: string; title: string }, kind: string, level: "error" | "warning" | "note"): ReportingDescriptor {
  const description = `${section.title}: ${kind}`;
  const what =
    kind === "unintended-path"
      ? "The declared resources let traffic through that the segmentation intent does not allow."
      : kind === "accidental-deny"
        ? "The declared resources block traffic that the segmentation intent allows."
        : kind === "quarantine-breach"
          ? "The declared resources let traffic reach or leave a target the intent quarantines."
          : kind === "cut-by-quarantine"
            ? "Traffic the intent's flows allow, cut on purpose by a quarantine in the intent (lifting the quarantine gives it back)."
            : level === "note"
          ? "What the analysis could not judge, and why; it may bear on the other findings."
          : `A finding of the ${section.title} analysis.`;
  const fix =
    kind === "unintended-path" || kind === "accidental-deny"
      ? "Change the rule named in the message (security group, NACL, firewall, NetworkPolicy) or the intent's flows, so that the two agree."
      : undefined;
  const helpUri = `${DOCS}/README.md#what-netseg-guarantees-and-what-it-does-not`;
  return {
    id,
    name: kind,
    shortDescription: { text: description },
    fullDescription: { text: `${what} Computed by netseg preview from the resources the program declares (analysis ${section.id}).` },
    help: { text: [what, fix ? `How to fix: ${fix}` : undefined].filter(Boolean).join("\n\n"), markdown: [`**${what}**`, fix ? `**How to fix:** ${fix}` : undefined, `[Documentation](${helpUri})`].filter(Boolean).join("\n\n") },
    helpUri,
    defaultConfiguration: { level },
    properties: {
      tags: ["security", "network-segmentation", "reachability"],
      // A path the intent forbids is a network exposure: high. What the analysis could not judge is no finding of its own.
      ...(level === "error" ? { "security-severity": SECURITY_SEVERITY.high } : level === "warning" ? { "security-severity": SECURITY_SEVERITY.medium } : {}),
    },
  };
}

function programRule(id: string, source: "pulumi.log" | "console", level: "warning" | "error"): ReportingDescriptor {
  const description =
    source === "console" ? "The program wrote to console.warn or console.error" : `The program logged ${level === "error" ? "an error" : "a warning"} with pulumi.log.${level === "error" ? "error" : "warn"}`;
  const help =
    source === "console"
      ? "Read the message: the program (or a library it uses) wrote it while the stack was being declared."
      : level === "error"
        ? "The program says its own stack is wrong; the preview fails on it (exit 1). Fix what the message names."
        : "A component or the program warns about the stack it declares, e.g. netseg's EgressProxy when its backend does not match the VPC's. Fix what the message names, or accept it knowingly.";
  const helpUri = `${DOCS}/README.md#the-command-line`;
  return {
    id,
    name: id.slice("netseg-program/".length),
    shortDescription: { text: description },
    fullDescription: { text: `${description} while netseg preview ran it.` },
    help: { text: help, markdown: `${help}\n\n[Documentation](${helpUri})` },
    helpUri,
    defaultConfiguration: { level },
    properties: { tags: ["netseg-program", source] },
  };
}

/** A stable identity for a result across runs, whatever line it lands on. */
function fingerprint(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 32);
}

export function renderSarif(report: PreviewReport, baseDir = process.cwd()): string {
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const addRule = (rule: ReportingDescriptor): number => {
    let i = ruleIndex.get(rule.id);
    if (i === undefined) {
      i = rules.length;
      ruleIndex.set(rule.id, i);
      rules.push(rule);
    }
    return i;
  };
  // A policy's severity: what the pack declares, else what its diagnostics carry.
  const severityOf = new Map<string, Severity>();
  for (const v of [...report.violations.mandatory, ...report.violations.advisory]) {
    const id = `${v.policyPack}/${v.policy}`;
    if (v.severity && !severityOf.has(id)) severityOf.set(id, v.severity);
  }
  for (const pack of report.packs) {
    for (const p of pack.policies as PolicyInfo[]) addRule(policyRule(pack.name, p, p.severity ?? severityOf.get(`${pack.name}/${p.name}`)));
  }

  const uriOf = (file: string) => path.relative(baseDir, file).split(path.sep).join("/") || ".";
  const entry = entryFile(report.programEntry) ?? report.programEntry;
  const declared = (urns: readonly string[]): SourceLocation | undefined => urns.map((u) => report.declarations?.[u]).find((d) => d !== undefined);
  const locationOf = (urns: readonly string[]): Location => {
    const d = declared(urns);
    const logicalLocations = urns.map((urn) => ({ fullyQualifiedName: urn, kind: "resource" }));
    if (!d) return { physicalLocation: { artifactLocation: { uri: uriOf(entry) }, region: { startLine: 1 } }, logicalLocations };
    const through = urns.includes(d.urn) ? undefined : `declared through ${d.name} (${d.type}), which creates it`;
    return {
      physicalLocation: { artifactLocation: { uri: uriOf(path.resolve(report.programDir, d.file)) }, region: { startLine: d.line, startColumn: d.column } },
      logicalLocations,
      ...(through ? { message: { text: through } } : {}),
    };
  };

  const results: Result[] = [];
  for (const v of [...report.violations.mandatory, ...report.violations.advisory]) {
    const id = `${v.policyPack}/${v.policy}`;
    const level = v.level === "mandatory" ? "error" : "warning";
    // A policy the pack summary does not list (a pack the report knows nothing else about).
    const index = ruleIndex.get(id) ?? addRule(policyRule(v.policyPack, { name: v.policy, description: v.description, level: v.level, kind: v.phase === "stack" ? "stack" : "resource" }, v.severity));
    results.push({
      ruleId: id,
      ruleIndex: index,
      level,
      message: { text: v.message },
      locations: [locationOf([v.urn])],
      partialFingerprints: { "netsegResult/v1": fingerprint(id, v.urn, v.message) },
      properties: { policyPack: v.policyPack, policyPackVersion: v.policyPackVersion, phase: v.phase, ...(v.severity ? { severity: v.severity } : {}) },
    });
  }
  for (const s of report.analyses) {
    for (const f of s.findings) {
      const id = `netseg-analysis/${s.id}/${f.kind}`;
      const urns = f.urns ?? [];
      results.push({
        ruleId: id,
        ruleIndex: addRule(analysisRule(id, s, f.kind, f.severity)),
        level: f.severity,
        message: { text: f.message },
        locations: [locationOf(urns)],
        partialFingerprints: { "netsegResult/v1": fingerprint(id, f.from ?? "", f.to ?? "", f.message) },
      });
    }
  }
  // What the program logged: a pulumi.log.error fails the preview (level error), the rest warn.
  for (const l of report.programLogs) {
    const id = l.source === "console" ? "netseg-program/console" : `netseg-program/log-${l.level}`;
    results.push({
      ruleId: id,
      ruleIndex: addRule(programRule(id, l.source, l.level)),
      level: l.level,
      message: { text: l.message },
      locations: [locationOf(l.urn ? [l.urn] : [])],
      partialFingerprints: { "netsegResult/v1": fingerprint(id, l.urn ?? "", l.message) },
      properties: { source: l.source },
    });
  }
  const log: Log = {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [
      {
        tool: { driver: { name: "netseg preview", fullName: `netseg preview ${version}`, version, semanticVersion: version, informationUri: REPOSITORY, rules } },
        results,
        properties: { summary: report.summary.line },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
