import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runFleetCommand } from "./run-command";
import { previewFleetOffline } from "../../../cli/fleet/offline";
import { discoverPacks } from "../../../cli/preview/packs";
import { PACKAGE_ROOT } from "../../../cli/preview/run";

const FIXTURE = path.resolve(__dirname, "fixture");
const BROKEN = path.resolve(__dirname, "fixture-broken");

const run = runFleetCommand;

describe("netseg fleet preview runs the policy packs on every stack", function () {
  this.timeout(600_000);

  it("every stack of a clean fleet passes netseg's four packs, and the shards got the transit ids through the preview's config", async () => {
    const r = await previewFleetOffline({ programDir: FIXTURE, parallelism: 2 });
    assert.deepEqual(r.failures, []);
    assert.deepEqual(r.stacks.map((s) => s.stack), ["transit", "shard-0", "shard-1"]);
    for (const s of r.stacks) {
      assert.ok(s.verdict, `${s.stack} has a pack verdict`);
      assert.equal(s.verdict.packs.length, 4, `${s.stack}: ${s.verdict.packs.join(", ")}`);
      assert.equal(s.verdict.mandatory, 0, `${s.stack}: ${JSON.stringify(s.verdict.violations)}`);
      assert.equal(s.verdict.exitCode, 0);
    }
    const tgw = r.stacks[0].resources.find((x) => x.type === "aws:ec2transitgateway/transitGateway:TransitGateway")!;
    for (const s of r.stacks.slice(1)) {
      for (const a of s.resources.filter((x) => x.type === "aws:ec2transitgateway/vpcAttachment:VpcAttachment")) assert.equal(a.inputs.transitGatewayId, tgw.id);
    }
    assert.deepEqual(r.crossTenantPaths, []);
  });

  it("a shard with an SSH group open to the internet fails the mandatory rule; the command names it and exits 1", async () => {
    const r = await run(["fleet", "preview", BROKEN, "--parallel", "2", "--format", "json"]);
    assert.equal(r.code, 1, r.out);
    const summary = JSON.parse(r.out) as { stacks: { stack: string; packs: { mandatory: number; exitCode: number; violations: { policy: string; level: string; urn: string }[] } }[]; crossTenantPaths: string[] };
    const by = new Map(summary.stacks.map((s) => [s.stack, s.packs]));
    assert.equal(by.get("transit")!.mandatory, 0);
    assert.equal(by.get("shard-0")!.mandatory, 0);
    const broken = by.get("shard-1")!;
    assert.equal(broken.exitCode, 1);
    const ssh = broken.violations.filter((v) => v.level === "mandatory");
    assert.deepEqual([...new Set(ssh.map((v) => v.policy))].includes("netseg-aws-sg-no-internet-admin-ports"), true, JSON.stringify(ssh));
    assert.ok(ssh.every((v) => v.urn.includes("hand-ssh")), JSON.stringify(ssh));
    // The isolation across shards is still reported beside the packs' verdicts.
    assert.deepEqual(summary.crossTenantPaths, []);
  });

  it("the text report gives each stack's counts and the failing stack", async () => {
    const r = await run(["fleet", "preview", BROKEN, "--stacks", "shard-1", "--no-analyse"]);
    assert.equal(r.code, 1);
    assert.match(r.out, /^transit: \d+ resources \(\d+ ms\); packs: 0 mandatory, \d+ advisory$/m);
    assert.match(r.out, /^shard-1: \d+ resources \(\d+ ms\); packs: [1-9]\d* mandatory, \d+ advisory - FAILS$/m);
    assert.match(r.out, /mandatory netseg-aws-sg-no-internet-admin-ports: .*hand-ssh/);
    assert.match(r.out, /1 stack\(s\) fail their preview .*: shard-1/);
  });

  it("--no-packs records the stacks only (no verdict), exit 0 on the broken fleet's isolation", async () => {
    const r = await run(["fleet", "preview", BROKEN, "--stacks", "shard-1", "--no-packs", "--format", "json"]);
    assert.equal(r.code, 0, r.out);
    assert.ok(JSON.parse(r.out).stacks.every((s: { packs?: unknown }) => s.packs === undefined));
  });

  it("--policy-pack-config reaches every stack of a lane, though the lane's packs are started once", async () => {
    // One lane: transit, shard-0 and shard-1 all go through the same four pack processes.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-fleet-config-"));
    try {
      const configs = discoverPacks(PACKAGE_ROOT).map((pack) => {
        const file = path.join(dir, `${path.basename(pack)}.json`);
        const rules = path.basename(pack) === "aws" ? { "netseg-aws-sg-no-internet-admin-ports": { enforcementLevel: "advisory" } } : {};
        fs.writeFileSync(file, JSON.stringify(rules));
        return file;
      });
      const r = await previewFleetOffline({ programDir: BROKEN, parallelism: 1, policyPackConfigs: configs, analyse: false });
      assert.deepEqual(r.failures, []);
      const shard1 = r.stacks.find((s) => s.stack === "shard-1")!.verdict!;
      assert.equal(shard1.mandatory, 0, JSON.stringify(shard1.violations));
      const ssh = shard1.violations.filter((v) => v.policy === "netseg-aws-sg-no-internet-admin-ports");
      assert.ok(ssh.length > 0 && ssh.every((v) => v.level === "advisory"), JSON.stringify(ssh));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
