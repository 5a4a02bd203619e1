/**
 * What users get from npm: the compiled library, the schema, and policy packs that the Pulumi
 * CLI can load from `node_modules/netseg/dist/policy-packs/<pack>` as they are. `npm test` builds
 * first (see package.json), so dist/ is the tree under test.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const PACKS = ["aws", "gcp", "kubernetes", "conformance"];

describe("the published package", function () {
  this.timeout(120_000);

  before(function () {
    assert.ok(existsSync(path.join(ROOT, "dist", "index.js")), "dist/ is missing: run `npm run build` (npm test does it first)");
  });

  it("ships the library, the CLI, the schema and a loadable directory per policy pack", () => {
    const res = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(res.status, 0, res.stderr);
    const files = new Set<string>(JSON.parse(res.stdout)[0].files.map((f: { path: string }) => f.path));
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/cli/main.js", "bin/netseg.js", "schema/intent.schema.json", "dist/components/aws/index.js", "policy-packs/examples/aws-policy-config.json"]) {
      assert.ok(files.has(f), `${f} is not in the package`);
    }
    for (const pack of PACKS) {
      for (const f of ["index.js", "package.json", "PulumiPolicy.yaml"]) assert.ok(files.has(`dist/policy-packs/${pack}/${f}`), `pack ${pack} lacks ${f}`);
    }
    assert.ok(![...files].some((f) => f.startsWith("test/") || f.endsWith(".ts") && !f.endsWith(".d.ts")), "no sources or tests in the package");
  });

  it("exposes the core and every platform's components from the compiled entry", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled entry, as a CommonJS user loads it
    const lib = require(path.join(ROOT, "dist", "index.js"));
    assert.equal(typeof lib.parseIntent, "function");
    assert.equal(typeof lib.planAddresses, "function");
    assert.equal(typeof lib.aws.SegmentedVpc, "function");
    assert.equal(typeof lib.gcp.SegmentedNetwork, "function");
    assert.equal(typeof lib.k8s.NamespaceIsolation, "function");
  });

  it("starts the compiled AWS pack the way the Pulumi CLI does", async () => {
    const dir = path.join(ROOT, "dist", "policy-packs", "aws");
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", dir], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => {
          out += d;
          const m = /^(\d+)\s*$/m.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.stderr.on("data", (d) => (err += d));
        child.on("exit", (code) => reject(new Error(`the pack exited (${code}) before printing its port: ${err}`)));
      });
      assert.ok(port > 0);
    } finally {
      child.kill();
    }
  });
});
