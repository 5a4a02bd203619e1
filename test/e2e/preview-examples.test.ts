/**
 * `netseg preview` as a user runs it (`bin/netseg.js`, a subprocess, netseg's default packs) on
 * a real example and on copies of it: one broken in one deliberate place (SSH from anywhere into
 * the app tier) and one whose intent file does not parse. The copies are gitignored siblings of
 * the example (`examples/.tmp-*`), so its relative imports (`../../components/...`) and intent
 * path (`../intents/shop.yaml`) resolve exactly as from the original.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "netseg.js");
const EXAMPLE = path.join(ROOT, "examples", "aws-three-tier");
const copies: string[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function preview(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "preview", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr: stderr.replace(/^npm warn.*\n/gm, "") }));
  });
}

/** A copy of the example beside it, with `edit` applied to its files. */
function copyExample(name: string, edit: (dir: string) => void): string {
  const dir = path.join(ROOT, "examples", `.tmp-preview-e2e-${process.pid}-${name}`);
  copies.push(dir);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(EXAMPLE)) fs.copyFileSync(path.join(EXAMPLE, f), path.join(dir, f));
  edit(dir);
  return dir;
}

const BREAK = `
// Deliberate break: SSH from anywhere straight into the app tier.
import * as aws from "@pulumi/aws";
new aws.vpc.SecurityGroupIngressRule("debug-ssh", {
  securityGroupId: shop.securityGroupIds.apply((ids) => ids.app),
  cidrIpv4: "0.0.0.0/0",
  ipProtocol: "tcp",
  fromPort: 22,
  toPort: 22,
  description: "temporary debug access",
});
`;

interface JsonViolation {
  policy: string;
  urn: string;
  message: string;
}

describe("netseg preview on examples/aws-three-tier and broken copies (subprocess)", function () {
  this.timeout(240_000);
  let clean: Run;
  let broken: Run;
  let brokenDir: string;
  let badIntentDir: string;

  before(async () => {
    brokenDir = copyExample("broken", (dir) => fs.appendFileSync(path.join(dir, "index.ts"), BREAK));
    badIntentDir = copyExample("bad-intent", (dir) => {
      // The program loads its own copy of the intent, with two values the schema rejects.
      const intent = fs
        .readFileSync(path.join(ROOT, "examples", "intents", "shop.yaml"), "utf8")
        .replace("name: edge, slot: 0, internet: inbound", "name: edge, slot: 0, internet: sometimes")
        .replace("name: data, slot: 2, egress: none", "name: data, slot: 2, egress: nowhere");
      fs.writeFileSync(path.join(dir, "shop.yaml"), intent);
      const program = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
      const loaded = program.replace('path.join(__dirname, "..", "intents", "shop.yaml")', 'path.join(__dirname, "shop.yaml")');
      assert.notEqual(loaded, program, "the example no longer names its intent file as this test expects");
      fs.writeFileSync(path.join(dir, "index.ts"), loaded);
    });
    // Both full runs at once: most of a run is waiting for packs to start.
    [clean, broken] = await Promise.all([preview(EXAMPLE, "--format", "json"), preview(brokenDir, "--format", "json")]);
  });
  after(() => copies.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it("the example as shipped: exit 0 and a clean JSON report", () => {
    assert.equal(clean.code, 0, clean.stderr);
    const report = JSON.parse(clean.stdout);
    assert.equal(report.project, "aws-three-tier");
    assert.deepEqual(report.packs.map((p: { name: string }) => p.name), ["netseg-aws", "netseg-conformance", "netseg-gcp", "netseg-kubernetes"]);
    assert.deepEqual(report.violations.mandatory, []);
    assert.deepEqual(report.violations.advisory.map((v: JsonViolation) => `${v.policy} ${v.urn}`), []);
    assert.deepEqual(
      report.resources.byZone.map((z: { zone: string }) => z.zone),
      ["app", "data", "edge", "unzoned"],
    );
    const reach = report.analyses.find((a: { id: string }) => a.id === "reachability");
    assert.match(reach.summary, /Held against intent shop .*: every path is intended and every intended flow passes/);
    assert.equal(report.summary.exitCode, 0);
    assert.match(report.summary.line, /^PASS: \d+ resources, 4 policy packs, 0 mandatory, 0 advisory, 0 analysis errors/);
    assert.match(clean.stderr, /PASS: /);
  });

  it("the broken copy: exit 1, the JSON report names the rule, the security group and the rule resource", () => {
    assert.equal(broken.code, 1, broken.stderr);
    const report = JSON.parse(broken.stdout);
    assert.equal(report.summary.exitCode, 1);
    const mandatory: JsonViolation[] = report.violations.mandatory;
    assert.deepEqual(
      mandatory.map((v) => [v.policy, v.urn.split("::").pop()]),
      [["netseg-aws-sg-no-internet-admin-ports", "shop-app"], ...["data", "edge", "internet", "office"].map(() => ["netseg-intent-conformance", "debug-ssh"])],
    );
    assert.match(mandatory[0].message, /shop-app allows 0\.0\.0\.0\/0 to admin port tcp\/22 \(via rule debug-ssh\)/);
    // The app zone has no route from the internet today, but its group now admits every source
    // on tcp/22: a latent path from each, named by the rule that opens it.
    const latent = mandatory.slice(1).map((v) => v.message.match(/aws:app admits (\S+) on tcp\/22, which the intent does not allow, by debug-ssh ingress/)?.[1]);
    assert.deepEqual(latent, ["aws:data", "aws:edge", "internet", "office"]);
    // The broken copy registers exactly one resource more than the example.
    assert.equal(report.resources.managed, JSON.parse(clean.stdout).resources.managed + 1);
    assert.match(broken.stderr, /^FAIL: .* 5 mandatory/m);
  });

  it("held against a changed intent: an unintended path and an accidental deny fail the run and are marked in the diagram", async () => {
    // The shop as deployed, judged by an intent that moved the database flow from app to edge.
    const changed = copyExample("changed-intent", () => undefined);
    const intentFile = path.join(changed, "changed.yaml");
    const shop = fs.readFileSync(path.join(ROOT, "examples", "intents", "shop.yaml"), "utf8");
    const edited = shop.replace("{ from: app, to: data, ports: [tcp/5432, tcp/6379] }", "{ from: edge, to: data, ports: [tcp/5432] }");
    assert.notEqual(edited, shop, "the shop intent no longer has the flow this test moves");
    fs.writeFileSync(intentFile, edited);
    const r = await preview(EXAMPLE, "--policy-pack", path.join(ROOT, "policy-packs", "aws"), "--intent", intentFile, "--format", "json", "--diagram", "mermaid");
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.violations.mandatory, []);
    const reach = report.analyses.find((a: { id: string }) => a.id === "reachability");
    const errors = reach.findings.filter((f: { severity: string }) => f.severity === "error");
    assert.deepEqual(
      errors.map((f: { kind: string; from: string; to: string }) => [f.kind, f.from, f.to]),
      [["unintended-path", "aws:app", "aws:data"], ["accidental-deny", "aws:edge", "aws:data"]],
    );
    assert.match(errors[0].message, /aws:app -> aws:data on tcp\/5432, tcp\/6379 is allowed but not in the intent/);
    assert.ok(errors[0].urns.some((u: string) => u.endsWith("::shop-data-in-app-tcp-5432")), "names the rule that opens the path");
    assert.match(report.diagram.source, /z_app -->\|"unintended: tcp\/5432, tcp\/6379"\| z_data/);
    assert.match(report.diagram.source, /z_edge -\.->\|"accidental-deny: tcp\/5432"\| z_data/);
    assert.equal(report.summary.exitCode, 1);
    assert.match(report.summary.line, /0 mandatory, .* 2 analysis errors/);
  });

  it("a copy whose intent does not parse: exit 2, one paragraph naming the file and every problem", async () => {
    const r = await preview(badIntentDir, "--policy-pack", path.join(ROOT, "policy-packs", "aws"));
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, "");
    const text = r.stderr.trim();
    assert.equal(text.split("\n").length, 1, `expected one paragraph, got:\n${text}`);
    assert.doesNotMatch(text, /\bat .*\(.*:\d+:\d+\)/, "no stack frames");
    assert.match(text, /^error: The Pulumi program .*-bad-intent\/index\.ts failed/);
    assert.match(text, /The intent in .*-bad-intent\/shop\.yaml has 2 problems: \(1\) zones\[0\]\.internet: .*"sometimes".*; \(2\) zones\[2\]\.egress: .*"nowhere"/);
  });
});

describe("netseg preview of the default stack, as `npm start` runs it (subprocess)", function () {
  this.timeout(240_000);

  it("passes: exit 0, no mandatory violation, every path held against its intent is intended", async () => {
    const r = await preview(ROOT, "--format", "json");
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(0, 4000)}`);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.violations.mandatory, []);
    const reach = report.analyses.find((a: { id: string }) => a.id === "reachability");
    assert.deepEqual(reach.findings.filter((f: { severity: string }) => f.severity === "error"), []);
    assert.match(report.summary.line, /^PASS: \d+ resources, 4 policy packs, 0 mandatory/);
  });
});
