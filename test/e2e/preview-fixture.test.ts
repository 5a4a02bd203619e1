/**
 * `netseg preview` end to end through the real entry (`bin/netseg.js`, which runs cli/main.ts):
 * the small fixture program with the fixture pack, clean (exit 0) and broken (exit 1). The fixture
 * pack exercises what netseg's own packs never do (remediation, config levels), and bad input
 * (exit 2, one clear paragraph). netseg's own examples run in preview-examples.test.ts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const fixtures = path.join(__dirname, "..", "fixtures", "preview");
const entry = path.join(__dirname, "..", "..", "bin", "netseg.js");

function preview(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [entry, "preview", ...args], {
    cwd: fixtures,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An error message is one paragraph naming what is at fault, with no stack trace. */
function assertCleanError(stderr: string, mentions: RegExp): void {
  const text = stderr.replace(/npm warn.*\n/g, "").trim();
  assert.match(text, /^error: /);
  assert.match(text, mentions);
  assert.equal(text.split("\n").length, 1, `expected one paragraph, got:\n${text}`);
  assert.doesNotMatch(text, /\n\s+at |at Module\._compile/);
}

describe("netseg preview (subprocess)", function () {
  this.timeout(120_000);

  it("passes the clean stack: exit 0 and a JSON report of zones, packs and violations", () => {
    const r = preview("program", "--stack", "clean", "--policy-pack", "pack", "--format", "json");
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.project, "fixture");
    assert.equal(report.stack, "clean");
    assert.equal(report.resources.managed, 5);
    assert.deepEqual(
      report.resources.byZone.map((z: { zone: string; count: number }) => [z.zone, z.count]),
      [["app", 2], ["edge", 2], ["unzoned", 1]],
    );
    assert.deepEqual(report.violations.mandatory, []);
    assert.deepEqual(
      report.violations.advisory.map((v: { policy: string; urn: string; phase: string }) => [v.policy, v.urn, v.phase]),
      [["vpc-flow-logs", "urn:pulumi:clean::fixture::aws:ec2/vpc:Vpc::main", "stack"]],
    );
    // The remediate-level policy fixed the VPC's tags, so its own check passed after remediation.
    assert.deepEqual(report.remediations.map((x: { policy: string }) => x.policy), ["vpc-managed-by-tag"]);
    assert.equal(report.summary.exitCode, 0);
    assert.match(report.summary.line, /^PASS: 5 resources, 1 policy pack, 0 mandatory, 1 advisory/);
  });

  it("fails the broken stack with exit 1, naming the resource and the mandatory policy", () => {
    const r = preview("program", "--stack", "broken", "--policy-pack", "pack", "--format", "json", "--diagram", "mermaid");
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(
      report.violations.mandatory.map((v: { policy: string; urn: string }) => [v.policy, v.urn]),
      [["no-internet-ssh", "urn:pulumi:broken::fixture::aws:ec2/securityGroupRule:SecurityGroupRule::app-ssh"]],
    );
    assert.ok(report.violations.advisory.some((v: { policy: string }) => v.policy === "ingress-port-allow-list"));
    assert.match(report.diagram.source, /^flowchart LR/);
    assert.match(r.stderr, /FAIL: 6 resources/);
  });

  it("exits 2 with one clear paragraph for a program that throws, a pack that does not start or dies, a missing directory, a usage error", () => {
    const throws = preview("program", "--stack", "throws", "--policy-pack", "pack");
    assert.equal(throws.code, 2);
    assertCleanError(throws.stderr, /program .*index\.ts failed .*zone 'dta', which does not exist/);

    const badPack = preview("program", "--stack", "clean", "--policy-pack", "broken-pack");
    assert.equal(badPack.code, 2);
    assertCleanError(badPack.stderr, /Policy pack .*broken-pack did not start: .*failed to load its rules/);

    // A pack that dies mid-run: its exit code and last words, not just "connection dropped".
    const dying = preview("program", "--stack", "clean", "--policy-pack", "dying-pack");
    assert.equal(dying.code, 2);
    assertCleanError(dying.stderr, /Policy pack 'netseg-preview-dying' .*dying-pack\) failed to analyze urn:pulumi:clean::fixture::.*\(its process exited with code 3\)\. It wrote: dying-pack: giving up on resource 3/);

    const missing = preview("no-such-program", "--policy-pack", "pack");
    assert.equal(missing.code, 2);
    assertCleanError(missing.stderr, /no-such-program does not exist/);

    // A usage error is bad input too: exit 2, never the 1 that means a mandatory violation.
    const usage = preview("program", "--format", "yaml");
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^error: option '-f, --format <format>' argument 'yaml' is invalid/m);
  });
});
