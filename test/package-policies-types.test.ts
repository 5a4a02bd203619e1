/**
 * `netseg/policies` in a user's TypeScript policy pack: the packed tarball unpacked into a fresh
 * pack project under the Pulumi templates' tsconfig (no esModuleInterop), `skipLibCheck: false`,
 * @pulumi/policy and @pulumi/pulumi linked from this repository (nothing is downloaded). netseg
 * must add no error of its own: the project type-checks exactly as one that imports
 * @pulumi/policy alone (whose own declarations fail under skipLibCheck: false in 1.21,
 * `./proxy` exports).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** The compiler options `pulumi new` templates write, as test/package-types.test.ts uses them. */
const PULUMI_TEMPLATE = {
  strict: true,
  outDir: "bin",
  target: "es2020",
  module: "commonjs",
  moduleResolution: "node",
  sourceMap: true,
  experimentalDecorators: true,
  pretty: false,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  forceConsistentCasingInFileNames: true,
};

const BASELINE = `import { PolicyPack } from "@pulumi/policy";
new PolicyPack("mine", { policies: [] });
`;

const CUSTOM_PACK = `import { PolicyPack, type ResourceValidationPolicy } from "@pulumi/policy";
import { awsRules, conformanceRules, decodeEachResourceOnce, rulesByPack } from "netseg/policies";

const ownerTag: ResourceValidationPolicy = {
  name: "acme-sg-owner-tag",
  description: "Every security group carries an owner tag.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type === "aws:ec2/securityGroup:SecurityGroup" && !args.props.tags?.owner) reportViolation("no owner tag");
  },
};
const strict = awsRules.map((r) => (r.name === "netseg-aws-vpc-flow-logs" ? { ...r, enforcementLevel: "mandatory" as const } : r));
const shared: boolean = decodeEachResourceOnce();
if (!shared) console.log("this @pulumi/policy decodes per policy");
new PolicyPack("mine", { policies: [...strict, ...conformanceRules, ...rulesByPack["netseg-kubernetes"], ownerTag] });
// @ts-expect-error no such pack
void rulesByPack["netseg-azure"];
`;

describe("netseg/policies in a user's TypeScript policy pack", function () {
  this.timeout(300_000);
  let work: string;
  let tarball: string;

  before(() => {
    assert.ok(existsSync(path.join(ROOT, "dist", "policy-packs", "rules", "index.d.ts")), "dist/ is missing: run `npm run build` (npm test does it first)");
    work = mkdtempSync(path.join(tmpdir(), "netseg-policies-types-"));
    const res = spawnSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], { cwd: ROOT, encoding: "utf8" });
    assert.equal(res.status, 0, res.stderr);
    tarball = path.join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  function typeCheck(name: string, program: string): string[] {
    const dir = path.join(work, name);
    const nm = path.join(dir, "node_modules");
    mkdirSync(path.join(nm, "netseg"), { recursive: true });
    const untar = spawnSync("tar", ["xzf", tarball, "-C", path.join(nm, "netseg"), "--strip-components=1"], { encoding: "utf8" });
    assert.equal(untar.status, 0, untar.stderr);
    for (const pkg of ["zod", "yaml", "ip-address", "commander", "@types/node", "@pulumi/pulumi", "@pulumi/policy"]) {
      mkdirSync(path.dirname(path.join(nm, pkg)), { recursive: true });
      symlinkSync(path.join(ROOT, "node_modules", pkg), path.join(nm, pkg), "dir");
    }
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true }));
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...PULUMI_TEMPLATE, skipLibCheck: false }, files: ["index.ts"] }));
    writeFileSync(path.join(dir, "index.ts"), program);
    const res = spawnSync(process.execPath, [TSC, "--noEmit", "-p", dir], { cwd: dir, encoding: "utf8" });
    return (res.stdout + res.stderr)
      .split("\n")
      .filter((l) => / error TS\d+/.test(l))
      .map((l) => l.replace(/^.*?node_modules\//, "node_modules/"))
      .sort();
  }

  it("adds no type error to a pack that composes netseg's rules with its own", () => {
    const baseline = typeCheck("baseline", BASELINE);
    assert.deepEqual(typeCheck("custom-pack", CUSTOM_PACK), baseline);
  });
});
