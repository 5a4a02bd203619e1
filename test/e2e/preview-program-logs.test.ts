/**
 * `netseg preview` through the real entry (bin/netseg.js): a program's warnings reach the
 * terminal with the resource they name, and a `pulumi.log.error` fails the run (exit 1) with a
 * report, in a machine format too (the messages also go to stderr).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const fixtures = path.join(__dirname, "..", "fixtures", "preview");
const entry = path.join(__dirname, "..", "..", "bin", "netseg.js");

function preview(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [entry, "preview", ...args], { cwd: fixtures, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("netseg preview shows what the program logs (subprocess)", function () {
  this.timeout(120_000);

  it("prints EgressProxy's backend-mismatch warning, naming the EgressProxy, and passes (exit 0)", () => {
    const r = preview("logs", "--stack", "mismatch", "--policy-pack", "pack");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Program warnings \(1\)\n {2}\[pulumi\.log urn:pulumi:mismatch::logs::netseg:aws:EgressProxy::payments-egress\]\n {6}EgressProxy payments-egress \(network-firewall\): the zones' rules open only tcp\/3128/);
    assert.match(r.stdout, /^PASS: .*1 program warning \(logs\/mismatch\)$/m);
    assert.doesNotMatch(r.stderr, /warning: \[runtime\]/, "no bare SDK fallback line instead of the report's");
  });

  it("fails on a pulumi.log.error with exit 1: SARIF on stdout carries it at the resource, stderr says it", () => {
    const r = preview("logs", "--stack", "error", "--policy-pack", "pack", "--format", "sarif");
    assert.equal(r.code, 1, r.stderr);
    const results = JSON.parse(r.stdout).runs[0].results as { ruleId: string; level: string; message: { text: string }; locations: { logicalLocations: { fullyQualifiedName: string }[] }[] }[];
    const error = results.find((x) => x.ruleId === "netseg-program/log-error");
    assert.ok(error, JSON.stringify(results.map((x) => x.ruleId)));
    assert.equal(error.level, "error");
    assert.equal(error.message.text, "the payments VPC has no flow logs bucket");
    assert.equal(error.locations[0].logicalLocations[0].fullyQualifiedName, "urn:pulumi:error::logs::netseg:aws:SegmentedVpc::payments");
    assert.match(r.stderr, /^program error: the payments VPC has no flow logs bucket \(urn:pulumi:error::logs::netseg:aws:SegmentedVpc::payments\)$/m);
    assert.match(r.stderr, /^FAIL: .*1 program error, 2 program warnings \(logs\/error\)$/m);
  });
});
