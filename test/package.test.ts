/**
 * What users get from npm: the compiled library, the schema, and policy packs that the Pulumi
 * CLI can load from `node_modules/netseg/dist/policy-packs/<pack>` as they are. `npm test` builds
 * first (see package.json), so dist/ is the tree under test.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
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
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/cli/main.js", "bin/netseg.js", "schema/intent.schema.json", "dist/components/aws/index.js", "policy-packs/examples/aws-policy-config.json", "PulumiPlugin.yaml", "bin/netseg-provider.js", "dist/provider/main.js"]) {
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

  it("loads a platform's provider SDK only when its namespace is used, and names the missing one", () => {
    // A user with @pulumi/aws only: @pulumi/gcp and @pulumi/kubernetes cannot be found.
    const script = `
      const Module = require("node:module");
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === "@pulumi/gcp" || request === "@pulumi/kubernetes") {
          const e = new Error("Cannot find module '" + request + "'"); e.code = "MODULE_NOT_FOUND"; throw e;
        }
        return resolve.call(this, request, ...rest);
      };
      const lib = require(${JSON.stringify(path.join(ROOT, "dist", "index.js"))});
      const intent = lib.parseIntent({ name: "a", addressSpace: "10.1.0.0/16", zones: [{ name: "app" }], flows: [] });
      console.log(intent.zones[0].name, typeof lib.aws.SegmentedVpc);
      try { lib.gcp.SegmentedNetwork; } catch (e) { console.log(e.message); }
    `;
    const res = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, "app function\nnetseg's GCP components need @pulumi/gcp, which is not installed: run npm install @pulumi/gcp\n");
  });

  it("declares every package the compiled code loads as a dependency or a peer (devDependencies are not installed for users)", () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const loaded = new Map<string, string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith(".js")) {
          for (const m of readFileSync(file, "utf8").matchAll(/require(?:\.resolve)?\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
            const spec = m[1];
            if (spec.startsWith("node:") || builtinModules.includes(spec.split("/")[0])) continue;
            const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
            loaded.set(pkg, path.relative(ROOT, file));
          }
        }
      }
    };
    walk(path.join(ROOT, "dist"));
    walk(path.join(ROOT, "bin"));
    // (A require.resolve with `paths` loads a module from beside another package, on purpose:
    // @pulumi/pulumi's own gRPC and protobuf copies. The pattern above only matches plain calls.)
    const undeclared = [...loaded].filter(([pkg]) => !declared.has(pkg)).map(([pkg, file]) => `${pkg} (${file})`);
    assert.deepEqual(undeclared, []);
    assert.ok(loaded.has("tsx") && loaded.has("@pulumi/pulumi"), "the scan sees the CLI's requires");
  });

  const starts = (what: string, args: string[], cwd: string) => async () => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
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
        child.on("exit", (code) => reject(new Error(`${what} exited (${code}) before printing its port: ${err}`)));
      });
      assert.ok(port > 0);
    } finally {
      child.kill();
    }
  };

  const awsPack = path.join(ROOT, "dist", "policy-packs", "aws");
  it("starts the compiled AWS pack the way the Pulumi CLI does", starts("the pack", [path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", awsPack], awsPack));
  it("starts the compiled component provider (PulumiPlugin.yaml's entry) the way the Pulumi CLI does", starts("the provider", [path.join(ROOT, "dist", "provider", "main.js"), "127.0.0.1:1"], ROOT));
});
