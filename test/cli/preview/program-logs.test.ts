/**
 * What a program logs reaches the user: the fixture program in test/fixtures/preview/logs runs
 * under the preview's mocks (in the forked child, as `netseg preview` runs it), and its warnings
 * and errors appear, with the resource URN they name, in every report format.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { runProgram, type ProgramResult } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import { buildReport, renderReport, REPORT_FORMATS } from "../../../cli/preview/report";

const LOGS = path.join(__dirname, "..", "..", "fixtures", "preview", "logs");
const MISMATCH_URN = "urn:pulumi:mismatch::logs::netseg:aws:EgressProxy::payments-egress";
const MISMATCH = /EgressProxy payments-egress \(network-firewall\): the zones' rules open only tcp\/3128 towards an explicit proxy, but a network firewall is transparent/;

function reportOf(stack: string, run: ProgramResult) {
  return buildReport({ project: "logs", stack, programDir: LOGS, programEntry: path.join(LOGS, "index.ts"), resources: run.resources, packs: [], violations: [], remediations: [], analyses: [], programLogs: run.logs });
}

describe("preview: what the program logs reaches the report", function () {
  this.timeout(60_000);
  let mismatch: ProgramResult;
  let errored: ProgramResult;
  before(async () => {
    [mismatch, errored] = await Promise.all([runProgram(loadProject(LOGS, "mismatch")), runProgram(loadProject(LOGS, "error"))]);
  });

  it("collects EgressProxy's backend-mismatch warning with the URN of the EgressProxy it names", () => {
    assert.equal(mismatch.logs.length, 1, JSON.stringify(mismatch.logs));
    const [warning] = mismatch.logs;
    assert.equal(warning.level, "warning");
    assert.equal(warning.source, "pulumi.log");
    assert.equal(warning.urn, MISMATCH_URN);
    assert.match(warning.message, MISMATCH);
    assert.ok(mismatch.resources.some((r) => r.urn === MISMATCH_URN), "the URN is a resource the program registered");
  });

  it("shows the warning and its URN in every report format, and a warning alone passes", () => {
    const report = reportOf("mismatch", mismatch);
    assert.equal(report.summary.exitCode, 0);
    assert.equal(report.summary.programWarnings, 1);
    assert.match(report.summary.line, /^PASS: .*, 1 program warning \(logs\/mismatch\)$/);
    for (const format of REPORT_FORMATS) {
      const out = renderReport(report, format);
      assert.match(out, MISMATCH, `${format} shows the message`);
      assert.ok(out.includes(MISMATCH_URN), `${format} names the resource ${MISMATCH_URN}`);
    }
    assert.match(renderReport(report, "text"), /Program warnings \(1\)\n {2}\[pulumi\.log urn:pulumi:mismatch::logs::netseg:aws:EgressProxy::payments-egress\]\n {6}EgressProxy payments-egress/);
    assert.match(renderReport(report, "markdown"), /### Program warnings \(1\)\n\n\| From \| Resource \| Message \|\n\|---\|---\|---\|\n\| `pulumi\.log` \| `urn:pulumi:mismatch::logs::netseg:aws:EgressProxy::payments-egress` \| EgressProxy payments-egress/);
    assert.deepEqual(JSON.parse(renderReport(report, "json")).programLogs, mismatch.logs);
    const [result] = JSON.parse(renderReport(report, "sarif")).runs[0].results;
    assert.equal(result.ruleId, "netseg-program/log-warning");
    assert.equal(result.level, "warning");
    assert.match(result.message.text, MISMATCH);
    assert.deepEqual(result.locations[0].logicalLocations, [{ fullyQualifiedName: MISMATCH_URN, kind: "resource" }]);
  });

  it("fails the preview (exit 1) on a pulumi.log.error, listed first with the resource it names; console.warn is a warning", () => {
    const vpcUrn = "urn:pulumi:error::logs::netseg:aws:SegmentedVpc::payments";
    assert.deepEqual(
      errored.logs.map((l) => [l.level, l.source, l.urn, l.message.slice(0, 40)]),
      [
        ["warning", "pulumi.log", "urn:pulumi:error::logs::netseg:aws:EgressProxy::payments-egress", "EgressProxy payments-egress (network-fir"],
        ["error", "pulumi.log", vpcUrn, "the payments VPC has no flow logs bucket"],
        ["warning", "console", undefined, "deprecated option used"],
      ],
    );
    const report = reportOf("error", errored);
    assert.equal(report.summary.exitCode, 1);
    assert.equal(report.summary.programErrors, 1);
    assert.match(report.summary.line, /^FAIL: .*, 1 program error, 2 program warnings \(logs\/error\)$/);
    assert.deepEqual(report.programLogs.map((l) => l.level), ["error", "warning", "warning"]);
    assert.match(renderReport(report, "text"), /Program errors \(1\): a pulumi\.log\.error fails the preview\n {2}\[pulumi\.log urn:pulumi:error::logs::netseg:aws:SegmentedVpc::payments\]\n {6}the payments VPC has no flow logs bucket/);
    assert.match(renderReport(report, "text"), /\[console \(no resource\)\]\n {6}deprecated option used/);
    assert.match(renderReport(report, "markdown"), /^## ❌ [^]*### Program errors \(1\)[^]*\| `urn:pulumi:error::logs::netseg:aws:SegmentedVpc::payments` \| the payments VPC has no flow logs bucket \|/);
    const results = JSON.parse(renderReport(report, "sarif")).runs[0].results as { ruleId: string; level: string; locations: { logicalLocations: unknown[] }[] }[];
    assert.deepEqual(
      results.map((r) => [r.ruleId, r.level, r.locations[0].logicalLocations]),
      [
        ["netseg-program/log-error", "error", [{ fullyQualifiedName: vpcUrn, kind: "resource" }]],
        ["netseg-program/log-warning", "warning", [{ fullyQualifiedName: "urn:pulumi:error::logs::netseg:aws:EgressProxy::payments-egress", kind: "resource" }]],
        ["netseg-program/console", "warning", []],
      ],
    );
  });

  it("keeps what a program logged as an error in the message (exit 2) when it then throws", async () => {
    await assert.rejects(
      runProgram(loadProject(LOGS, "throws")),
      (err: Error) => {
        assert.equal(err.name, "PreviewError");
        assert.match(err.message, /failed under the offline preview: giving up\. Before failing it logged an error: the payments VPC has no flow logs bucket$/);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      },
    );
  });

  it("still quotes what the program wrote to console.error when it then exits abruptly (exit 2)", async () => {
    await assert.rejects(runProgram(loadProject(LOGS, "exits")), /stopped the preview runner \(exit 3\) before it finished: .*cannot reach the flow logs bucket/);
  });
});
