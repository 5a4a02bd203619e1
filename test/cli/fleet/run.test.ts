/**
 * `netseg fleet run` through the real Automation API, with a stand-in Pulumi CLI on PATH
 * (fake-pulumi.js: the CLI cannot be installed here). What the CLI is asked, and what its engine
 * events and output become in the summary and on stderr.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { installFakePulumi, runFleetCommand } from "./run-command";
import { discoverPacks } from "../../../cli/preview/packs";
import { PACKAGE_ROOT } from "../../../cli/preview/run";

const FIXTURE = path.resolve(__dirname, "fixture");
const NETSEG_PACKS = discoverPacks(PACKAGE_ROOT).map((d) => path.resolve(d));

interface Violation {
  pack: string;
  policy: string;
  level: "mandatory" | "warning";
  type: string;
  name: string;
  message: string;
}

describe("netseg fleet run (Automation API, stand-in Pulumi CLI)", function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-fleet-cli-"));
  const bin = path.join(tmp, "bin");
  const log = path.join(tmp, "calls.jsonl");
  const scenario = path.join(tmp, "scenario.json");
  const saved = { PATH: process.env.PATH, FAKE_PULUMI_LOG: process.env.FAKE_PULUMI_LOG, FAKE_PULUMI_SCENARIO: process.env.FAKE_PULUMI_SCENARIO, FAKE_PULUMI_VERSION: process.env.FAKE_PULUMI_VERSION };

  before(() => {
    installFakePulumi(bin);
    process.env.PATH = `${bin}${path.delimiter}${saved.PATH}`;
    process.env.FAKE_PULUMI_LOG = log;
    process.env.FAKE_PULUMI_SCENARIO = scenario;
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Runs the command with these violations (or changes) per stack; returns the CLI's command lines too. */
  async function run(args: string[], violations: Record<string, Violation[]> = {}, changes: Record<string, Record<string, number>> = {}) {
    fs.writeFileSync(log, "");
    const stacks = new Set([...Object.keys(violations), ...Object.keys(changes)]);
    fs.writeFileSync(scenario, JSON.stringify(Object.fromEntries([...stacks].map((s) => [s, { violations: violations[s] ?? [], ...(changes[s] ? { changes: changes[s] } : {}) }]))));
    const r = await runFleetCommand(["fleet", "run", ...args]);
    const calls = fs.readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as string[]);
    return { ...r, calls };
  }
  const packsOf = (call: string[]) => call.flatMap((a, i) => (a === "--policy-pack" ? [call[i + 1]] : []));
  const configsOf = (call: string[]) => call.flatMap((a, i) => (a === "--policy-pack-config" ? [call[i + 1]] : []));
  const ops = (calls: string[][], op: string) => calls.filter((c) => c[0] === op);

  const ssh: Violation = { pack: "netseg-aws", policy: "netseg-aws-sg-no-internet-admin-ports", level: "mandatory", type: "aws:ec2/securityGroup:SecurityGroup", name: "hand-ssh", message: "SSH (22) is open to 0.0.0.0/0" };
  const flowLogs: Violation = { pack: "netseg-aws", policy: "netseg-aws-vpc-flow-logs", level: "warning", type: "aws:ec2/vpc:Vpc", name: "t-0", message: "VPC has no flow logs" };

  for (const [cli, version] of [
    ["a CLI up to 3.205: engine events in the --event-log file", "3.200.0"],
    ["a CLI above 3.205: engine events over the Events gRPC service", "3.248.0"],
  ] as const) {
    it(`previews transit then every shard with netseg's four packs; a shard's mandatory violation exits 1 and is named (${cli})`, async () => {
      process.env.FAKE_PULUMI_VERSION = version;
      try {
        assert.equal(NETSEG_PACKS.length, 4);
        const r = await run(["preview", FIXTURE, "--parallel", "2"], { "shard-1": [ssh, flowLogs], "shard-0": [flowLogs] });
        assert.equal(r.code, 1, r.err);
        const previews = ops(r.calls, "preview");
        const stacks = previews.map((c) => c[c.indexOf("--stack") + 1]);
        assert.equal(stacks[0], "transit", "transit first: the shards read its outputs");
        assert.deepEqual(stacks.slice(1).sort(), ["shard-0", "shard-1"]);
        for (const c of previews) assert.deepEqual(packsOf(c), NETSEG_PACKS, c.join(" "));
        // The events came the way this CLI version sends them.
        for (const c of previews) assert.equal(c[c.indexOf("--event-log") + 1].startsWith("tcp://"), version !== "3.200.0", c.join(" "));
        // The shard's index reaches its stack's config.
        for (const i of [0, 1]) assert.ok(r.calls.some((c) => c[0] === "config" && c.includes("set") && c.includes("shard") && c.includes(String(i)) && c.includes(`shard-${i}`)), JSON.stringify(r.calls));
        const summary = JSON.parse(r.out) as { exitCode: number; policy: { mandatory: number; advisory: number; failingStacks: string[] }; stacks: { stack: string; status: string; reason?: string; policy?: { violations: { urn?: string; level: string }[] } }[] };
        assert.deepEqual(summary.policy, { mandatory: 1, advisory: 2, failingStacks: ["shard-1"] });
        const shard1 = summary.stacks.find((s) => s.stack === "shard-1")!;
        assert.equal(shard1.status, "failed");
        assert.equal(shard1.reason, "1 mandatory policy violation(s): netseg-aws/netseg-aws-sg-no-internet-admin-ports");
        assert.equal(shard1.policy!.violations[0].urn, "urn:pulumi:shard-1::fleet::aws:ec2/securityGroup:SecurityGroup::hand-ssh");
        assert.deepEqual(summary.stacks.map((s) => s.status), ["succeeded", "succeeded", "failed"]);
        // The CLI's own output, line by line, each line under its stack.
        assert.match(r.err, /^\[shard-1\] {5}mandatory: \[netseg-aws-sg-no-internet-admin-ports\] {2}SSH \(22\) is open to 0.0.0.0\/0$/m);
        assert.match(r.err, /^\[transit\] Resources:$/m);
        assert.match(r.err, /^\[shard-1\] error: preview failed$/m, "the CLI's stderr too");
        assert.match(r.err, /^\[transit\] {5}\+ 3 to create$/m, "a last line without a newline is relayed when its stack ends");
        assert.match(r.err, /^shard-1: failed \(\d+ ms\); policy: 1 mandatory, 1 advisory - 1 mandatory policy violation/m);
      } finally {
        delete process.env.FAKE_PULUMI_VERSION;
      }
    });
  }

  it("up passes the given packs and their configs by position; --quiet relays nothing; a clean fleet exits 0", async () => {
    const config = path.join(tmp, "aws.json");
    fs.writeFileSync(config, JSON.stringify({ all: "mandatory" }));
    const awsPack = NETSEG_PACKS.find((d) => path.basename(d) === "aws")!;
    const r = await run(["up", FIXTURE, "--policy-pack", awsPack, "--policy-pack-config", config, "--quiet"]);
    assert.equal(r.code, 0, r.err);
    const ups = ops(r.calls, "up");
    assert.equal(ups.length, 3);
    for (const c of ups) {
      assert.deepEqual(packsOf(c), [awsPack]);
      assert.deepEqual(configsOf(c), [config]);
    }
    assert.doesNotMatch(r.err, /^\[/m);
    const summary = JSON.parse(r.out) as { ok: boolean; changes: Record<string, number> };
    assert.equal(summary.ok, true);
    assert.deepEqual(summary.changes, { create: 9 });
  });

  it("refresh and --no-packs run without packs; packs with refresh, or a bad pack, are refused before the CLI is asked anything", async () => {
    const refresh = await run(["refresh", FIXTURE, "--quiet"]);
    assert.equal(refresh.code, 0, refresh.err);
    assert.equal(ops(refresh.calls, "refresh").length, 3);
    assert.ok(ops(refresh.calls, "refresh").every((c) => packsOf(c).length === 0));
    const noPacks = await run(["preview", FIXTURE, "--no-packs", "--quiet"]);
    assert.ok(ops(noPacks.calls, "preview").every((c) => packsOf(c).length === 0));
    assert.ok(!("policy" in JSON.parse(noPacks.out)), "no pack ran, so no policy verdict is claimed");
    for (const [args, error] of [
      [["refresh", FIXTURE, "--policy-pack", NETSEG_PACKS[0]], /refresh runs no policy packs/],
      [["preview", FIXTURE, "--policy-pack", path.join(tmp, "nowhere")], /nowhere does not exist/],
      [["preview", FIXTURE, "--no-packs", "--policy-pack", NETSEG_PACKS[0]], /--no-packs runs no policy pack/],
      [["preview", FIXTURE, "--policy-pack-config", path.join(tmp, "aws.json")], /Got 1 --policy-pack-config file\(s\) for 4 policy pack\(s\)/],
    ] as const) {
      fs.writeFileSync(log, "");
      await assert.rejects(runFleetCommand(["fleet", "run", ...args]), error);
      assert.equal(fs.readFileSync(log, "utf8"), "", `the CLI was not run for ${error}`);
    }
  });

  it("drift: --refresh --expect-no-changes reaches the CLI; a stack with changes fails for them, listed, and the fleet exits 1", async () => {
    const r = await run(["preview", FIXTURE, "--refresh", "--expect-no-changes", "--no-packs", "--quiet"], {}, { transit: { same: 31 }, "shard-0": { same: 40 }, "shard-1": { update: 2, delete: 1, same: 37 } });
    assert.equal(r.code, 1, r.err);
    for (const c of ops(r.calls, "preview")) assert.ok(c.includes("--refresh") && c.includes("--expect-no-changes"), c.join(" "));
    const summary = JSON.parse(r.out) as { changedStacks: string[]; stacks: { stack: string; status: string; reason?: string; unexpectedChanges?: Record<string, number> }[] };
    assert.deepEqual(summary.changedStacks, ["shard-1"]);
    const shard1 = summary.stacks.find((s) => s.stack === "shard-1")!;
    assert.deepEqual(shard1.unexpectedChanges, { update: 2, delete: 1 });
    assert.equal(shard1.reason, "changes proposed where none were expected: update 2, delete 1");
    assert.deepEqual(summary.stacks.map((s) => s.status), ["succeeded", "succeeded", "failed"]);
    // refresh takes --expect-no-changes, not --refresh.
    const refresh = await run(["refresh", FIXTURE, "--expect-no-changes", "--quiet"], {}, { transit: { same: 31 }, "shard-0": { same: 40 }, "shard-1": { same: 40 } });
    assert.equal(refresh.code, 0, refresh.err);
    assert.ok(ops(refresh.calls, "refresh").every((c) => c.includes("--expect-no-changes") && !c.includes("--refresh")));
    fs.writeFileSync(log, "");
    await assert.rejects(runFleetCommand(["fleet", "run", "refresh", FIXTURE, "--refresh"]), /--refresh is for up and preview/);
    assert.equal(fs.readFileSync(log, "utf8"), "");
  });

  it("SIGTERM mid-update stops the running stack's CLI with SIGINT, starts no other, writes the summary, exits 143", async () => {
    fs.writeFileSync(log, "");
    fs.writeFileSync(scenario, JSON.stringify({ "shard-0": { hold: true } }));
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, "bin", "netseg.js"), "fleet", "run", "up", FIXTURE, "--parallel", "1", "--no-packs"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const calls = () => fs.readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as string[]);
    const t0 = Date.now();
    try {
      while (!calls().some((c) => c[0] === "holding" && c[1] === "shard-0")) {
        assert.ok(Date.now() - t0 < 60_000, `shard-0's update never started: ${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill("SIGTERM");
      assert.equal(await exited, 143, err);
    } finally {
      // A second signal stops netseg at once (and the stand-in with it).
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    }
    assert.ok(calls().some((c) => c[0] === "SIGINT" && c[1] === "shard-0"), "the running CLI was cancelled as Ctrl-C cancels it, not killed");
    assert.ok(!ops(calls(), "up").some((c) => c.includes("shard-1")), "shard-1 never started");
    const summary = JSON.parse(out) as { cancelled: boolean; stacks: { stack: string; status: string; reason?: string }[] };
    assert.equal(summary.cancelled, true);
    assert.deepEqual(summary.stacks.map((s) => [s.stack, s.status]), [["transit", "succeeded"], ["shard-0", "failed"], ["shard-1", "skipped"]]);
    assert.match(summary.stacks[1].reason!, /^cancelled while running: /);
    assert.match(err, /SIGTERM: cancelling; waiting for the running stacks to stop/);
  });

  it("without a Pulumi CLI on PATH: one clear error before any stack, naming the offline alternative", async () => {
    const empty = path.join(tmp, "empty");
    fs.mkdirSync(empty, { recursive: true });
    const path0 = process.env.PATH;
    process.env.PATH = empty;
    try {
      await assert.rejects(runFleetCommand(["fleet", "run", "preview", FIXTURE]), /Pulumi CLI, which was not found or could not run .*netseg fleet preview/);
    } finally {
      process.env.PATH = path0;
    }
  });
});
