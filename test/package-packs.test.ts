/**
 * The policy packs as a Pulumi user deploys them: each pack folder of the npm package, copied out
 * of the package and out of this repository, installs what its package.json declares and starts
 * over gRPC as the Pulumi CLI starts it (cli/preview's pack starter), serving every rule of its
 * pack; so `pulumi policy publish` (which uploads what `npm pack` makes of the folder, and the
 * service installs it) and `--policy-pack <folder>` both work. And a pack of a user's own, built from `netseg/policies` plus a rule of its own
 * (examples/custom-pack), installs netseg from the tarball, starts, and reports both kinds of
 * rules on a real program.
 *
 * Installs read the npm cache first (`--prefer-offline`); only the npm registry is reached.
 * `npm test` builds first (see package.json), so dist/ is the tree under test.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import type { Log } from "sarif";
import { openPacks } from "../cli/preview/pack-session";
import { renderReport } from "../cli/preview/report";
import { runPreview } from "../cli/preview/run";
import { rulesByPack } from "../policy-packs/rules";
import { installFakePulumi } from "./cli/fleet/run-command";

const ROOT = path.resolve(__dirname, "..");
const PACKS = ["aws", "conformance", "gcp", "kubernetes"] as const;

function run(cmd: string, args: string[], cwd: string): string {
  const res = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" } });
  assert.equal(res.status, 0, `${cmd} ${args.join(" ")} in ${cwd} failed:\n${res.stderr}\n${res.stdout}`);
  return res.stdout;
}

/** Every `require` of a bare module in a file, by package name. */
function requiredPackages(file: string): string[] {
  const found = new Set<string>();
  for (const m of fs.readFileSync(file, "utf8").matchAll(/require\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
    const spec = m[1];
    if (spec.startsWith("node:") || builtinModules.includes(spec.split("/")[0])) continue;
    found.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
  }
  return [...found].sort();
}

describe("policy packs installed from the npm package, outside the repository", function () {
  this.timeout(600_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-packs-"));
  let tarball: string;
  let extracted: string;

  before(() => {
    assert.ok(fs.existsSync(path.join(ROOT, "dist", "policy-packs", "aws", "index.js")), "dist/ is missing: run `npm run build` (npm test does it first)");
    const [packed] = JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], ROOT));
    tarball = path.join(tmp, packed.filename);
    extracted = path.join(tmp, "extracted");
    fs.mkdirSync(extracted);
    run("tar", ["xzf", tarball, "-C", extracted], tmp);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const pack of PACKS) {
    it(`netseg-${pack}: the folder declares what it loads, installs on its own and serves every rule over gRPC`, async () => {
      const dir = path.join(tmp, "user", pack);
      fs.cpSync(path.join(extracted, "package", "dist", "policy-packs", pack), dir, { recursive: true });
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      assert.equal(manifest.main, "index.js");
      // Nothing outside the folder: every file it loads is its own, every package is declared.
      const js = fs.readdirSync(dir).filter((f) => f.endsWith(".js"));
      for (const f of js) {
        assert.doesNotMatch(fs.readFileSync(path.join(dir, f), "utf8"), /require\(\s*["']\.\.\//, `${f} loads a file outside the pack folder`);
        for (const pkg of requiredPackages(path.join(dir, f))) assert.ok(manifest.dependencies?.[pkg], `${f} loads ${pkg}, which the pack's package.json does not declare`);
      }
      assert.ok(manifest.dependencies["@pulumi/policy"] && manifest.dependencies["@pulumi/pulumi"], "the pack declares @pulumi/policy and @pulumi/pulumi");
      // `pulumi policy publish` uploads what `npm pack` makes of the folder: all of it.
      const [published] = JSON.parse(run("npm", ["pack", "--json", "--dry-run"], dir));
      assert.deepEqual(published.files.map((f: { path: string }) => f.path).sort(), fs.readdirSync(dir).sort(), "npm pack of the folder (what pulumi policy publish uploads) holds every file of it");
      run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
      // The SDK's runner and the policy server are the folder's own, not the repository's.
      assert.ok(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] }).startsWith(dir));
      const session = await openPacks([dir], [], { project: "user", stack: "dev", config: {} });
      try {
        const [cp] = session.packs;
        assert.equal(cp.pack.dir, fs.realpathSync(dir));
        assert.equal(cp.info.name, `netseg-${pack}`);
        assert.deepEqual(
          cp.info.policies.map((p) => p.name),
          rulesByPack[`netseg-${pack}`].map((r) => r.name),
          "the installed pack serves exactly the rules netseg/policies lists for it",
        );
      } finally {
        await session.close();
      }
    });
  }

  it("a pack of the user's own (examples/custom-pack) composes netseg/policies with its own rule, and both report", async () => {
    const dir = path.join(tmp, "user", "custom-pack");
    fs.cpSync(path.join(ROOT, "examples", "custom-pack"), dir, { recursive: true, filter: (f) => !f.includes("node_modules") });
    // As a user trying a local build: netseg from the tarball, the rest from npm.
    const manifestFile = path.join(dir, "package.json");
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, dependencies: { ...manifest.dependencies, netseg: `file:${tarball}` } }, null, 2));
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], dir);

    // The preview fixture's "broken" stack opens SSH to the whole internet and tags no group with an owner.
    const { report } = await runPreview({ programDir: path.join(ROOT, "test", "fixtures", "preview", "program"), stack: "broken", policyPacks: [dir] });
    const [summary] = report.packs;
    assert.equal(summary.name, "acme-network-policies");
    const names = summary.policies.map((p) => p.name);
    assert.ok(names.includes("acme-sg-owner-tag"), "its own rule is served");
    // What the rule says about itself reaches the report, and SARIF shows it beside the rule.
    const ownRule = summary.policies.find((p) => p.name === "acme-sg-owner-tag");
    assert.deepEqual(
      { severity: ownRule?.severity, remediationSteps: ownRule?.remediationSteps, url: ownRule?.url, tags: ownRule?.tags },
      { severity: "low", remediationSteps: 'Add tags: { owner: "<team>" } to the security group.', url: "https://wiki.example.com/network/owner-tags", tags: ["ownership"] },
    );
    const sarifRule = (JSON.parse(renderReport(report, "sarif")) as Log).runs[0].tool.driver.rules!.find((r) => r.id === "acme-network-policies/acme-sg-owner-tag");
    assert.equal(sarifRule?.helpUri, "https://wiki.example.com/network/owner-tags");
    assert.equal(sarifRule?.properties?.["security-severity"], "3.0");
    assert.ok(sarifRule?.properties?.tags?.includes("ownership"));
    assert.ok(!names.includes("netseg-aws-sg-rule-descriptions"), "the rule it leaves out is not");
    assert.equal(summary.policies.find((p) => p.name === "netseg-aws-vpc-flow-logs")?.level, "mandatory", "the level it raises is raised");
    const others = rulesByPack["netseg-aws"].filter((r) => r.name !== "netseg-aws-sg-rule-descriptions").map((r) => r.name);
    assert.deepEqual(names.filter((n) => n.startsWith("netseg-")).sort(), [...others].sort(), "every other netseg AWS rule is served");

    const violations = [...report.violations.mandatory, ...report.violations.advisory];
    const own = violations.filter((v) => v.policy === "acme-sg-owner-tag");
    assert.ok(own.length > 0, "its own rule fires on the program's security groups (none has an owner tag)");
    assert.ok(own.every((v) => v.level === "mandatory" && /security group .+ has no owner tag/.test(v.message)));
    const groups = report.resources.byZone.flatMap((z) => z.types).filter((t) => t.type === "aws:ec2/securityGroup:SecurityGroup").reduce((n, t) => n + t.count, 0);
    assert.equal(own.length, groups, "once per security group");
    assert.ok(
      violations.some((v) => v.policy === "netseg-aws-sg-no-internet-admin-ports" && v.level === "mandatory" && /tcp\/22/.test(v.message)),
      "netseg's rule fires through the user's pack (SSH open to the internet)",
    );
  });
  it("netseg fleet run, installed, has the engine run the pack folders the package ships", () => {
    // The extracted package beside this repository's node_modules (nothing downloaded), its
    // compiled CLI started as npx starts it, and a stand-in Pulumi CLI on PATH that logs what it is asked.
    const pkg = path.join(extracted, "package");
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(pkg, "node_modules"), "dir");
    const bin = path.join(tmp, "fake-bin");
    installFakePulumi(bin);
    const log = path.join(tmp, "pulumi-calls.jsonl");
    const scenario = path.join(tmp, "pulumi-scenario.json");
    fs.writeFileSync(scenario, "{}");
    const res = spawnSync(process.execPath, [path.join(pkg, "bin", "netseg.js"), "fleet", "run", "preview", path.join(ROOT, "test", "cli", "fleet", "fixture"), "--quiet"], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, FAKE_PULUMI_LOG: log, FAKE_PULUMI_SCENARIO: scenario },
    });
    assert.equal(res.status, 0, res.stderr);
    const previews = fs.readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l) as string[]).filter((c) => c[0] === "preview");
    assert.equal(previews.length, 3, "transit and two shards");
    const shipped = PACKS.map((p) => path.join(pkg, "dist", "policy-packs", p));
    for (const c of previews) assert.deepEqual(c.flatMap((a, i) => (a === "--policy-pack" ? [c[i + 1]] : [])), shipped);
    for (const d of shipped) assert.ok(fs.existsSync(path.join(d, "PulumiPolicy.yaml")) && fs.existsSync(path.join(d, "index.js")), `${d} is a pack the CLI can run`);

    // A project without @pulumi/policy (an optional peer): refused before the CLI is asked anything.
    const bare = path.join(tmp, "bare");
    fs.cpSync(pkg, bare, { recursive: true, filter: (f) => !f.startsWith(path.join(pkg, "node_modules")) });
    const modules = path.join(bare, "node_modules");
    fs.mkdirSync(path.join(modules, "@pulumi"), { recursive: true });
    for (const e of fs.readdirSync(path.join(ROOT, "node_modules"))) if (e !== "@pulumi") fs.symlinkSync(path.join(ROOT, "node_modules", e), path.join(modules, e));
    for (const e of fs.readdirSync(path.join(ROOT, "node_modules", "@pulumi"))) if (e !== "policy") fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi", e), path.join(modules, "@pulumi", e));
    fs.writeFileSync(log, "");
    const without = spawnSync(process.execPath, [path.join(bare, "bin", "netseg.js"), "fleet", "run", "preview", path.join(ROOT, "test", "cli", "fleet", "fixture")], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, FAKE_PULUMI_LOG: log, FAKE_PULUMI_SCENARIO: scenario },
    });
    assert.equal(without.status, 2, without.stderr);
    assert.match(without.stderr, /netseg's policy packs load @pulumi\/policy, which is not installed where they can reach it .*npm install --save-dev @pulumi\/policy.*--no-packs/);
    assert.equal(fs.readFileSync(log, "utf8"), "", "the Pulumi CLI was not asked anything");
  });
});
