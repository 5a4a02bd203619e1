/**
 * The preview's SARIF as code-scanning tools read it: valid against the SARIF 2.1.0 JSON Schema
 * (test/fixtures/sarif, see SOURCE.md there), each result at the line of the program that
 * declares its resource when the sources tell (else the entry file), rules with full
 * description, help, help link, tags and `security-severity`, a driver with its version.
 * The program is test/fixtures/preview/logs, run under the preview's mocks.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import fc from "fast-check";
import type { Log, ReportingDescriptor, Result } from "sarif";
import { runProgram, type ProgramResult } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import { buildReport, locateDeclarations, renderReport, type PreviewReport, type SourceFile } from "../../../cli/preview/report";
import { renderSarif } from "../../../cli/preview/report/sarif";
import type { PackSummary, RecordedResource, Violation } from "../../../cli/preview/types";
import { version } from "../../../package.json";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const LOGS = path.join(ROOT, "test", "fixtures", "preview", "logs");
const SCHEMA = JSON.parse(readFileSync(path.join(ROOT, "test", "fixtures", "sarif", "sarif-2.1.0-rtm.5.json"), "utf8"));

function sarifValidator() {
  // The schema's `language` pattern has a stray "]" that is an error only under the "u" flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(SCHEMA);
}

const URN = (type: string, name: string) => `urn:pulumi:mismatch::logs::${type}::${name}`;
const PROXY = URN("netseg:aws:EgressProxy", "payments-egress");
const DATA_SG = URN("netseg:aws:SegmentedVpc$aws:ec2/vpc:Vpc$aws:ec2/securityGroup:SecurityGroup", "payments-data");
const NOT_RECORDED = URN("aws:ec2/securityGroup:SecurityGroup", "hand-written");

const PACK: PackSummary & { policies: (PackSummary["policies"][number] & { severity?: "low" | "medium" | "high" | "critical"; remediationSteps?: string })[] } = {
  name: "netseg-aws",
  version: "0.1.0",
  dir: "/packs/aws",
  policies: [
    { name: "netseg-aws-sg-no-internet-admin-ports", description: "No security group allows ingress from the whole internet to an admin port.", level: "mandatory", kind: "stack", severity: "critical", remediationSteps: "Reach admin ports through a bastion or a VPN range." },
    { name: "netseg-aws-vpc-flow-logs", description: "Every VPC in the stack has a flow log attached.", level: "advisory", kind: "stack" },
    { name: "netseg-aws-no-default-vpc", description: "No default VPC.", level: "disabled", kind: "resource" },
    { name: "netseg-aws-sg-rule-descriptions", description: "Every security group rule has a description.", level: "remediate", kind: "resource" },
  ],
};

function violation(policy: string, urn: string, level: Violation["level"], extra: Partial<Violation> = {}): Violation {
  return { policyPack: PACK.name, policyPackVersion: PACK.version, policy, description: policy, message: `${policy} on ${urn.split("::").pop()}`, level, urn, phase: "stack", ...extra };
}

function reportOf(run: ProgramResult): PreviewReport {
  return buildReport({
    project: "logs",
    stack: "mismatch",
    programDir: LOGS,
    programEntry: path.join(LOGS, "index.ts"),
    resources: run.resources,
    packs: [PACK],
    violations: [
      violation("netseg-aws-sg-no-internet-admin-ports", DATA_SG, "mandatory", { severity: "critical" }),
      violation("netseg-aws-vpc-flow-logs", PROXY, "advisory", { severity: "medium" }),
      violation("netseg-aws-sg-no-internet-admin-ports", NOT_RECORDED, "mandatory", { severity: "critical" }),
      { ...violation("other-rule", PROXY, "advisory"), policyPack: "their-pack", policyPackVersion: "2.0.0" },
    ],
    remediations: [],
    analyses: [
      {
        id: "reachability",
        title: "Reachability",
        findings: [
          { kind: "unintended-path", severity: "error", message: "edge reaches data on tcp/5432", from: "edge", to: "data", urns: [DATA_SG] },
          { kind: "accidental-deny", severity: "warning", message: "payments cannot reach data", from: "payments", to: "data" },
          { kind: "reachability-note", severity: "note", message: "not analysed: something" },
        ],
      },
    ],
    programLogs: run.logs,
  });
}

describe("preview: SARIF for code scanning", function () {
  this.timeout(60_000);
  let run: ProgramResult;
  let report: PreviewReport;
  let sarif: Log;
  const fixtureLines = readFileSync(path.join(LOGS, "index.ts"), "utf8").split("\n");

  before(async () => {
    run = await runProgram(loadProject(LOGS, "mismatch"));
    report = reportOf(run);
    sarif = JSON.parse(renderSarif(report, ROOT));
  });

  const results = () => sarif.runs[0].results!;
  const rules = () => sarif.runs[0].tool.driver.rules!;
  const resultFor = (ruleId: string, urn: string): Result => {
    const r = results().find((x) => x.ruleId === ruleId && x.locations?.[0].logicalLocations?.some((l) => l.fullyQualifiedName === urn));
    assert.ok(r, `a ${ruleId} result for ${urn}`);
    return r;
  };

  it("is valid against the SARIF 2.1.0 JSON Schema, and the validator rejects a broken log", () => {
    const validate = sarifValidator();
    assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
    assert.ok(results().length >= 8, "every kind of result is present");
    // The validator is not vacuous: a result without its message, a region at line 0 and an unknown level fail.
    const broken = structuredClone(sarif) as unknown as { runs: { results: Record<string, unknown>[] }[] };
    delete broken.runs[0].results[0].message;
    assert.equal(validate(broken), false);
    const badLine = structuredClone(sarif);
    badLine.runs[0].results![0].locations![0].physicalLocation!.region!.startLine = 0;
    assert.equal(validate(badLine), false);
    const badLevel = structuredClone(sarif) as unknown as { runs: { results: Record<string, unknown>[] }[] };
    badLevel.runs[0].results[0].level = "fatal";
    assert.equal(validate(badLevel), false);
  });

  it("locates a result at the line that declares its resource, in the program's file relative to the working directory", () => {
    const loc = resultFor("netseg-aws/netseg-aws-vpc-flow-logs", PROXY).locations![0];
    assert.equal(loc.physicalLocation!.artifactLocation!.uri, "test/fixtures/preview/logs/index.ts");
    const { startLine, startColumn } = loc.physicalLocation!.region!;
    assert.match(fixtureLines[startLine! - 1], /new EgressProxy\("payments-egress"/);
    assert.equal(fixtureLines[startLine! - 1].slice(startColumn! - 1).startsWith('"payments-egress"'), true, "the column is the name's");
    assert.equal(loc.message, undefined, "the resource itself is declared there");
  });

  it("locates a component's child at the line that declares the component, and says so", () => {
    const loc = resultFor("netseg-aws/netseg-aws-sg-no-internet-admin-ports", DATA_SG).locations![0];
    assert.match(fixtureLines[loc.physicalLocation!.region!.startLine! - 1], /new SegmentedVpc\("payments"/);
    assert.match(loc.message!.text!, /^declared through payments \((netseg:aws:SegmentedVpc|aws:ec2\/vpc:Vpc)\), which creates it$/);
    // The same for a finding that names it, and for the warning EgressProxy logs about itself.
    assert.equal(resultFor("netseg-analysis/reachability/unintended-path", DATA_SG).locations![0].physicalLocation!.region!.startLine, loc.physicalLocation!.region!.startLine);
    const warning = resultFor("netseg-program/log-warning", PROXY).locations![0];
    assert.match(fixtureLines[warning.physicalLocation!.region!.startLine! - 1], /new EgressProxy\("payments-egress"/);
  });

  it("falls back to the entry file's first line for a resource the program did not register, and for results naming none", () => {
    const unknown = resultFor("netseg-aws/netseg-aws-sg-no-internet-admin-ports", NOT_RECORDED).locations![0];
    assert.deepEqual(unknown.physicalLocation, { artifactLocation: { uri: "test/fixtures/preview/logs/index.ts" }, region: { startLine: 1 } });
    const deny = results().find((r) => r.ruleId === "netseg-analysis/reachability/accidental-deny")!;
    assert.deepEqual(deny.locations![0].physicalLocation!.region, { startLine: 1 });
    assert.deepEqual(deny.locations![0].logicalLocations, []);
  });

  it("gives every rule a full description, help text and markdown, a help link and tags; security-severity in GitHub's band where the severity is known", () => {
    const bands: Record<string, [number, number]> = { low: [0.1, 3.9], medium: [4, 6.9], high: [7, 8.9], critical: [9, 10] };
    for (const rule of rules() as ReportingDescriptor[]) {
      assert.ok(rule.fullDescription?.text, `${rule.id}: fullDescription`);
      assert.ok(rule.help?.text && rule.help.markdown, `${rule.id}: help`);
      assert.ok(Array.isArray(rule.properties?.tags) && rule.properties.tags.length > 0, `${rule.id}: tags`);
      if (rule.id !== "their-pack/other-rule") assert.match(rule.helpUri ?? "", /^https:\/\/\S+#[a-z-]+$/, `${rule.id}: helpUri`);
      const score = rule.properties?.["security-severity"];
      if (score !== undefined) assert.match(score, /^\d+\.\d$/, `${rule.id}: a number as text`);
    }
    const byId = new Map(rules().map((r) => [r.id, r]));
    const admin = byId.get("netseg-aws/netseg-aws-sg-no-internet-admin-ports")!;
    const [lo, hi] = bands.critical;
    assert.ok(Number(admin.properties!["security-severity"]) >= lo && Number(admin.properties!["security-severity"]) <= hi);
    assert.match(admin.help!.text, /How to fix: Reach admin ports through a bastion or a VPN range\./);
    assert.match(admin.helpUri!, /policy-packs\/README\.md#aws$/);
    // Severity from the diagnostics when the pack summary has none.
    const flow = Number(byId.get("netseg-aws/netseg-aws-vpc-flow-logs")!.properties!["security-severity"]);
    assert.ok(flow >= bands.medium[0] && flow <= bands.medium[1]);
    // No severity anywhere: none invented.
    assert.equal(byId.get("netseg-aws/netseg-aws-sg-rule-descriptions")!.properties!["security-severity"], undefined);
    assert.equal(byId.get("their-pack/other-rule")!.properties!["security-severity"], undefined);
    assert.deepEqual(byId.get("netseg-aws/netseg-aws-no-default-vpc")!.defaultConfiguration, { level: "none", enabled: false });
    assert.equal(byId.get("netseg-aws/netseg-aws-sg-rule-descriptions")!.defaultConfiguration!.level, "error");
    assert.ok(Number(byId.get("netseg-analysis/reachability/unintended-path")!.properties!["security-severity"]) >= bands.high[0]);
    assert.equal(byId.get("netseg-analysis/reachability/reachability-note")!.properties!["security-severity"], undefined);
    // Every result's ruleIndex points at its rule.
    for (const r of results()) assert.equal(rules()[r.ruleIndex!].id, r.ruleId);
  });

  it("names the driver's version and gives each result a fingerprint that does not depend on its line", () => {
    const driver = sarif.runs[0].tool.driver;
    assert.equal(driver.version, version);
    assert.equal(driver.semanticVersion, version);
    const prints = results().map((r) => r.partialFingerprints?.["netsegResult/v1"]);
    assert.ok(prints.every((p) => typeof p === "string" && p.length === 32));
    assert.equal(new Set(prints).size, prints.length, "distinct results, distinct fingerprints");
    const moved = JSON.parse(renderSarif({ ...report, declarations: {} }, ROOT)) as Log;
    assert.deepEqual(moved.runs[0].results!.map((r) => r.partialFingerprints), results().map((r) => r.partialFingerprints));
    assert.equal(renderReport(report, "sarif"), renderSarif(report), "the same bytes through renderReport");
  });

  it("locates only names written once in the sources, else the nearest ancestor's, never a guess (random programs)", () => {
    const name = fc.constantFrom("web", "api", "db", "cache", "web-sg", "api-role");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(name, fc.constantFrom('"', "'", "`", "${")), { maxLength: 12 }),
        fc.array(fc.tuple(name, fc.option(name, { nil: undefined })), { minLength: 1, maxLength: 6 }),
        (lines, tree) => {
          const text = lines.map(([n, q]) => (q === "${" ? `new R(\`\${p}-${n}\`);` : `new R(${q}${n}${q});`)).join("\n");
          const sources: SourceFile[] = [{ path: "/prog/index.ts", text }];
          const resources = tree.map(([n, parent], i) => ({ urn: `urn:${i}:${n}`, name: n, type: "t:m:R", parent: parent ? `urn:p:${parent}` : undefined })) as RecordedResource[];
          const parents = [...new Set(tree.flatMap(([, p]) => (p ? [p] : [])))].map((p) => ({ urn: `urn:p:${p}`, name: p, type: "t:m:C" })) as RecordedResource[];
          const all = [...resources, ...parents];
          const found = locateDeclarations(resources.map((r) => r.urn), all, sources, "/prog");
          const literalCount = (n: string) => lines.filter(([m, q]) => m === n && q !== "${").length;
          for (const r of resources) {
            const expected = literalCount(r.name) === 1 ? r : r.parent && literalCount(all.find((x) => x.urn === r.parent)!.name) === 1 ? all.find((x) => x.urn === r.parent)! : undefined;
            const loc = found[r.urn];
            if (!expected) {
              assert.equal(loc, undefined);
              continue;
            }
            assert.equal(loc?.urn, expected.urn);
            const line = text.split("\n")[loc.line - 1];
            assert.ok(line.slice(loc.column).startsWith(`${expected.name}`), `${line} at ${loc.column}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
