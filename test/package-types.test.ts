/**
 * The published types where users are: the packed tarball, unpacked into fresh projects the way
 * npm installs it, type-checked with `tsc --noEmit` and `skipLibCheck: false` (so that netseg's
 * own declarations, and what they pull in, are checked too). Peers and dependencies come from
 * this repository's node_modules through symlinks: nothing is downloaded.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** The tsconfig.json that `pulumi new aws-typescript` writes (pulumi/templates, aws-typescript). */
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

/** The README's AWS library snippet, through the per-platform entry and through the core's. */
const AWS_PROGRAM = `
import { loadIntentFile } from "netseg/core";
import { SegmentedVpc, TenantVpcs, type TenantRegistration } from "netseg/aws";

const intent = loadIntentFile("shop.yaml");
const vpc = new SegmentedVpc("shop", { intent });
export const vpcId = vpc.vpcId;
// A fleet registered a few tenants at a time (README, "Registering a large fleet in windows").
const registration: TenantRegistration = { tenantsInFlight: 5 };
export const tenantVpcIds = TenantVpcs.create("fleet", { intent }, undefined, registration).then((fleet) => fleet.vpcIds);
`;

/** The same, plus the root entry and its platform namespaces (which need every peer's types). */
const ROOT_PROGRAM = `${AWS_PROGRAM}
import { aws, gcp, k8s, parseIntent } from "netseg";

const parsed = parseIntent({ name: "shop", addressSpace: "10.1.0.0/16", zones: [{ name: "app" }], flows: [] });
export const all = [new aws.SegmentedVpc("root", { intent: parsed }).vpcId, typeof gcp.SegmentedNetwork, typeof k8s.NamespaceIsolation];
`;

/**
 * The intent and the Kubernetes options typed as users type them. The @ts-expect-error lines make
 * sure the public types still refuse a wrong value (an unused one is itself an error), so the
 * check below cannot pass by the types turning into `any`.
 */
const TYPED_PROGRAM = `
import type { IntentInput } from "netseg/core";
import type { K8sOptions } from "netseg";

export const intent: IntentInput = {
  name: "shop",
  addressSpace: "10.20.0.0/16",
  zones: [{ name: "edge", internet: "inbound" }, { name: "app", egress: "proxy", workloads: [{ name: "api" }] }],
  flows: [{ from: "internet", to: "edge", ports: ["tcp/443"], http: { methods: ["GET"] } }],
};
export const options: K8sOptions = { istio: { trustDomain: "example.org" }, podSecurity: { zones: { app: "baseline" } } };
// @ts-expect-error egress is none, nat or proxy
export const badZone: IntentInput["zones"][number] = { name: "x", egress: "everywhere" };
// @ts-expect-error an unknown option
export const badOptions: K8sOptions = { mesh: true };
`;

describe("the published package's types in a user's project", function () {
  this.timeout(300_000);
  let work: string;
  let tarball: string;

  before(function () {
    assert.ok(existsSync(path.join(ROOT, "dist", "index.d.ts")), "dist/ is missing: run `npm run build` (npm test does it first)");
    work = mkdtempSync(path.join(tmpdir(), "netseg-types-"));
    const res = spawnSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], { cwd: ROOT, encoding: "utf8" });
    assert.equal(res.status, 0, res.stderr);
    tarball = path.join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  /** A fresh project with netseg unpacked from the tarball and the given packages linked in. */
  function project(name: string, packages: string[], compilerOptions: object, program: string, packageJson: object = {}): string {
    const dir = path.join(work, name);
    const nm = path.join(dir, "node_modules");
    mkdirSync(path.join(nm, "netseg"), { recursive: true });
    const untar = spawnSync("tar", ["xzf", tarball, "-C", path.join(nm, "netseg"), "--strip-components=1"], { encoding: "utf8" });
    assert.equal(untar.status, 0, untar.stderr);
    for (const pkg of ["zod", "yaml", "ip-address", "commander", "@types/node", ...packages]) {
      mkdirSync(path.dirname(path.join(nm, pkg)), { recursive: true });
      symlinkSync(path.join(ROOT, "node_modules", pkg), path.join(nm, pkg), "dir");
    }
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true, ...packageJson }));
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...compilerOptions, skipLibCheck: false }, files: ["index.ts"] }));
    writeFileSync(path.join(dir, "index.ts"), program);
    return dir;
  }

  function typeCheck(dir: string): string {
    const res = spawnSync(process.execPath, [TSC, "--noEmit", "-p", dir], { cwd: dir, encoding: "utf8" });
    if (res.status === 0) return "";
    // One line per file and error code, with a count: zod's declarations alone give 63 lines.
    const counts = new Map<string, number>();
    for (const m of (res.stdout + res.stderr).matchAll(/^(.*?)\(\d+,\d+\): error (TS\d+): (.*)$/gm)) {
      const key = `${m[1].replace(/^.*node_modules\//, "node_modules/")} ${m[2]}: ${m[3].replace(/'"?\/[^']*'/g, "'...'")}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts.size ? [...counts].map(([k, n]) => `${n} x ${k}`).join("\n") : res.stdout + res.stderr;
  }

  const ALL_PEERS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/gcp", "@pulumi/kubernetes"];
  const AWS_PEERS = ["@pulumi/pulumi", "@pulumi/aws"];

  // The template sets no esModuleInterop: zod's own declarations fail to type-check without it
  // (colinhacks/zod#5160), so netseg's public declarations must not lead to them.
  it("type-checks the README's snippet (root entry, netseg/aws, netseg/core) under `pulumi new aws-typescript`'s tsconfig, all peers installed, with 0 errors", () => {
    assert.equal(typeCheck(project("template", ALL_PEERS, PULUMI_TEMPLATE, ROOT_PROGRAM)), "");
  });

  it("type-checks an AWS-only project (no @pulumi/gcp, no @pulumi/kubernetes) through netseg/aws and netseg/core under the same tsconfig, with 0 errors", () => {
    const dir = project("aws-only", AWS_PEERS, PULUMI_TEMPLATE, AWS_PROGRAM);
    assert.ok(!existsSync(path.join(dir, "node_modules", "@pulumi", "gcp")));
    assert.equal(typeCheck(dir), "");
  });

  it("type-checks the README's snippet under module/moduleResolution nodenext with 0 errors", () => {
    const opts = { strict: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext" };
    assert.equal(typeCheck(project("nodenext", ALL_PEERS, opts, ROOT_PROGRAM)), "");
  });

  it("type-checks the README's snippet in an ES module project (package.json type module, nodenext) with 0 errors", () => {
    const opts = { strict: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext" };
    assert.equal(typeCheck(project("esm", ALL_PEERS, opts, ROOT_PROGRAM, { type: "module" })), "");
  });

  it("type-checks a typed intent and Kubernetes options (IntentInput, K8sOptions) under the template's tsconfig with 0 errors, wrong values still refused", () => {
    assert.equal(typeCheck(project("typed", ALL_PEERS, PULUMI_TEMPLATE, TYPED_PROGRAM)), "");
  });

  // Projects that do set esModuleInterop (as many tsconfigs do) must stay clean too.
  it("type-checks the README's snippet with 0 errors when the template's tsconfig also sets esModuleInterop", () => {
    assert.equal(typeCheck(project("template-interop", ALL_PEERS, { ...PULUMI_TEMPLATE, esModuleInterop: true }, ROOT_PROGRAM)), "");
  });
});
