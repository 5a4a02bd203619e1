import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { runPlanCommand, type PlanCommandOptions } from "../../../cli/plan";

const ROOT = join(__dirname, "..", "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "intents");
const SHOP = join(ROOT, "examples", "intents", "shop.yaml");

function run(path: string, options: PlanCommandOptions = {}) {
  let out = "";
  let err = "";
  const code = runPlanCommand(path, options, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe("netseg plan", () => {
  it("prints the shop's address plan and every AWS rule", () => {
    const { code, out, err } = run(SHOP);
    assert.equal(code, 0, err);
    assert.equal(err, "");
    assert.match(out, /Address plan: 10\.20\.0\.0\/16, zone blocks \/20, subnets \/22/);
    assert.match(out, /app +10\.20\.16\.0\/20 +app-az1 10\.20\.16\.0\/22, app-az2 10\.20\.20\.0\/22, app-az3 10\.20\.24\.0\/22/);
    assert.match(out, /security group shop-app: 2 ingress, 3 egress rules/);
    assert.match(out, /in-edge-tcp-8080 +from +sg:edge +tcp\/8080 +netseg flow edge to app/);
    assert.match(out, /\d+ +allow +to +10\.20\.0\.0\/20 +tcp\/1024-65535 +edge to app tcp\/8080 \(return\)/);
    assert.match(out, /32766 +deny +from +0\.0\.0\.0\/0 +all/);
    assert.equal(run(SHOP).out, out, "the same intent prints the same bytes");
  });

  it("names the address slots that follow declaration order, with the slot to pin", () => {
    const { code, err } = run(join(FIXTURES, "unpinned.yaml"));
    assert.equal(code, 0, err);
    assert.match(err, /2 address slots follow declaration order/);
    assert.match(err, /zone api: add `slot: 1`\n +zone db: add `slot: 2`\n$/);
  });

  it("--pin writes each current slot into the file, keeping its comments, and the plan does not move", () => {
    const dir = mkdtempSync(join(tmpdir(), "netseg-pin-"));
    try {
      const file = join(dir, "intent.yaml");
      copyFileSync(join(FIXTURES, "unpinned.yaml"), file);
      const before = run(file, { format: "json" });
      const pinned = run(file, { pin: true, format: "json" });
      assert.equal(pinned.code, 0, pinned.err);
      assert.equal(pinned.err, "pinned 2 address slots in " + file + ":\n  zone api: slot 1\n  zone db: slot 2\n");
      assert.deepEqual(JSON.parse(pinned.out).addresses, JSON.parse(before.out).addresses, "the same blocks");
      const text = readFileSync(file, "utf8");
      assert.match(text, /^# Valid, but its zones' address slots follow declaration order/, "comments kept");
      assert.ok(text.includes("  - { name: api, slot: 1 }\n  - { name: db, slot: 2, sensitive: true }\n"), text);
      // Now an insertion in the middle moves nothing that exists.
      writeFileSync(file, text.replace("  - { name: api, slot: 1 }", "  - { name: cache }\n  - { name: api, slot: 1 }"));
      const grown = JSON.parse(run(file, { format: "json" }).out);
      for (const s of JSON.parse(before.out).addresses.subnets) assert.ok(grown.addresses.subnets.some((g: { name: string; cidr: string }) => g.name === s.name && g.cidr === s.cidr), `${s.name} kept ${s.cidr}`);
      assert.equal(run(file, { pin: true }).err.split("\n")[0], `pinned 1 address slot in ${file}:`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--pin on a JSON intent and on a pinned one; a bad intent is refused before anything is written", () => {
    const dir = mkdtempSync(join(tmpdir(), "netseg-pin-"));
    try {
      const json = join(dir, "intent.json");
      writeFileSync(json, JSON.stringify({ name: "j", addressSpace: "10.40.0.0/16", zones: [{ name: "a" }, { name: "b", slot: 0 }], flows: [] }));
      assert.equal(run(json, { pin: true }).code, 0);
      assert.deepEqual(JSON.parse(readFileSync(json, "utf8")).zones, [{ name: "a", slot: 1 }, { name: "b", slot: 0 }]);
      assert.match(run(json, { pin: true }).err, /already has its slot pinned/);
      const bad = join(dir, "bad.yaml");
      const broken = "name: bad\naddressSpace: 10.0.0.0/33\nzones:\n  - { name: a }\nflows: []\n";
      writeFileSync(bad, broken);
      const r = run(bad, { pin: true });
      assert.equal(r.code, 1);
      assert.match(r.err, /addressSpace/);
      assert.equal(readFileSync(bad, "utf8"), broken, "nothing written");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--pin keeps a JSON file's layout: only the slot fields are new (indented, compact or hand-laid)", () => {
    const dir = mkdtempSync(join(tmpdir(), "netseg-pin-"));
    try {
      const intent = { name: "j", addressSpace: "10.40.0.0/16", zones: [{ internet: "inbound", name: "a" }, { name: "b", slot: 0, sensitive: true }, { name: "c" }], flows: [] };
      const indented = join(dir, "indented.json");
      writeFileSync(indented, JSON.stringify(intent, null, 4) + "\n");
      assert.equal(run(indented, { pin: true }).code, 0);
      const expected = JSON.stringify(intent, null, 4)
        .replace('"name": "a"', '"name": "a",\n            "slot": 1')
        .replace('"name": "c"', '"name": "c",\n            "slot": 2');
      assert.equal(readFileSync(indented, "utf8"), expected + "\n");

      const compact = join(dir, "compact.json");
      writeFileSync(compact, JSON.stringify(intent));
      assert.equal(run(compact, { pin: true }).code, 0);
      assert.equal(readFileSync(compact, "utf8"), JSON.stringify(intent).replace('"name":"a"', '"name":"a","slot":1').replace('"name":"c"', '"name":"c","slot":2'));

      const byHand = join(dir, "by-hand.json");
      const text = '{\n\t"name": "j", "addressSpace": "10.40.0.0/16",\n\t"zones": [ { "name" : "a" },\n\t\t{ "name": "b" } ],\n\t"flows": []\n}\n';
      writeFileSync(byHand, text);
      assert.equal(run(byHand, { pin: true }).code, 0);
      assert.equal(readFileSync(byHand, "utf8"), text.replace('"name" : "a"', '"name" : "a", "slot": 0').replace('"name": "b"', '"name": "b", "slot": 1'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints the plan as JSON", () => {
    const { code, out } = run(SHOP, { format: "json" });
    assert.equal(code, 0);
    const doc = JSON.parse(out);
    assert.equal(doc.intent, "shop");
    assert.equal(doc.addresses.subnets.length, 9);
    assert.deepEqual(doc.aws.zones.map((z: any) => z.zone), ["app", "data", "edge"]);
    assert.equal(doc.aws.zones[0].nacl.ingress.at(-1).action, "deny");
  });

  const broken = readdirSync(FIXTURES).filter((f) => /^broken-.*\.yaml$/.test(f)).sort();

  it("has at least ten different broken intents", () => {
    assert.ok(broken.length >= 10, `${broken.length} fixtures`);
  });

  for (const file of broken) {
    it(`reports the problem in ${file} and exits 1`, () => {
      const path = join(FIXTURES, file);
      const expected = /^# expect: (.*)$/m.exec(readFileSync(path, "utf8"))?.[1];
      assert.ok(expected, `${file} states its expected error on a "# expect:" line`);
      const { code, out, err } = run(path);
      assert.equal(code, 1);
      assert.equal(out, "");
      assert.ok(err.includes(expected), `expected\n  ${expected}\nin\n${err}`);
      assert.match(err, new RegExp(`^The intent in ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} has \\d+ problems?:`));
      assert.doesNotMatch(err, /\n\s+at /, "no stack trace");
    });
  }

  it("accepts a raised NACL limit and refuses a malformed one", () => {
    const path = join(FIXTURES, "broken-nacl-limit.yaml");
    assert.equal(run(path, { naclLimit: "40" }).code, 0);
    const bad = run(path, { naclLimit: "lots" });
    assert.deepEqual([bad.code, bad.err], [1, 'netseg plan: --nacl-limit must be a whole number from 2 to 40 (got "lots")\n']);
    assert.match(run(path, { naclLimit: "41" }).err, /naclEntryLimit: the NACL entry limit must be a whole number from 2 to 40/);
  });

  it("reports a missing file as a problem, not a crash", () => {
    const { code, err } = run(join(FIXTURES, "no-such-intent.yaml"));
    assert.equal(code, 1);
    assert.match(err, /cannot read the intent file \(ENOENT\)/);
  });

  it("runs as a command: exit code 1 and the error list on standard error", () => {
    const script = `const { Command } = require("commander"); const { registerPlanCommand } = require(${JSON.stringify(join(ROOT, "cli", "plan.ts"))}); const p = new Command().exitOverride(); registerPlanCommand(p); p.parse(process.argv.slice(process.argv.indexOf("plan")), { from: "user" });`;
    const bad = spawnSync(process.execPath, ["-r", "tsx/cjs", "-e", script, "--", "plan", join(FIXTURES, "broken-unknown-zone.yaml")], { cwd: ROOT, encoding: "utf8" });
    assert.equal(bad.status, 1, bad.stderr);
    assert.match(bad.stderr, /flows\[1\]\.to: "dta" is not a zone/);
    assert.equal(bad.stdout, "");
    const good = spawnSync(process.execPath, ["-r", "tsx/cjs", "-e", script, "--", "plan", SHOP, "--format", "json"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(good.status, 0, good.stderr);
    assert.equal(JSON.parse(good.stdout).intent, "shop");
  });
});
