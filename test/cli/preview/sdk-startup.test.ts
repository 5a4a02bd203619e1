/**
 * The preview's processes load @pulumi/pulumi without its closure serializer's compilers
 * (cli/preview/sdk-startup.ts): what a program or a pack uses of the SDK must not change,
 * including serializeFunction and computeCodePaths, which do need them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { packLauncher } from "../../../cli/preview/packs";
import { deferredModule } from "../../../cli/preview/sdk-startup";

const ROOT = path.resolve(__dirname, "../../..");
let HOOK: string;

/**
 * Run `body` in a fresh Node process, as the preview's processes run from the package (with or
 * without the hook installed first), or under tsx's hook as from the sources; its stdout parsed
 * as JSON.
 */
function inFreshProcess(body: string, hook: boolean, cwd = ROOT, underTsx = false): any {
  const install = hook ? `require(${JSON.stringify(HOOK)}).deferSdkClosureModules();` : "";
  const script = `(async () => { ${install} ${body} })().then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(3); });`;
  const r = spawnSync(process.execPath, [...(underTsx ? ["--require", require.resolve("tsx/cjs")] : []), "-e", script], { cwd, encoding: "utf8", env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const LOADED = `const files = Object.keys(require.cache); return { typescript: files.some((f) => f.includes("/node_modules/typescript/")), arborist: files.some((f) => f.includes("/@npmcli/arborist/")) };`;

describe("cli/preview/sdk-startup: the SDK without its closure serializer's compilers until used", function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    // The module as JavaScript, where the pack launcher loads it from: compiled in dist, or
    // transpiled beside the launcher when running from the sources.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-sdk-startup-"));
    const launcher = packLauncher(dir);
    assert.ok(launcher, "the pack launcher is available");
    HOOK = path.join(path.dirname(launcher), "sdk-startup.js");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("loading @pulumi/pulumi loads neither TypeScript nor arborist under the hook (and both without it)", () => {
    assert.deepEqual(inFreshProcess(`require("@pulumi/pulumi"); ${LOADED}`, true), { typescript: false, arborist: false });
    assert.deepEqual(inFreshProcess(`require("@pulumi/pulumi"); ${LOADED}`, false), { typescript: true, arborist: true });
  });

  it("under tsx too (which asks every module it compiles for its own mark): neither is loaded until used", () => {
    assert.deepEqual(inFreshProcess(`require("@pulumi/pulumi"); ${LOADED}`, true, ROOT, true), { typescript: false, arborist: false });
    const body = `const pulumi = require("@pulumi/pulumi"); const k = 41; const s = await pulumi.runtime.serializeFunction(() => k + 1); const after = (() => { ${LOADED} })(); return { text: s.text, typescript: after.typescript };`;
    const hooked = inFreshProcess(body, true, ROOT, true);
    assert.equal(hooked.text, inFreshProcess(body, false, ROOT, true).text);
    assert.equal(hooked.typescript, true);
  });

  it("serializeFunction gives the same text with the hook as without, loading TypeScript when called", () => {
    const body = `const pulumi = require("@pulumi/pulumi"); const k = 41; const s = await pulumi.runtime.serializeFunction(() => k + 1); const after = (() => { ${LOADED} })(); return { text: s.text, typescript: after.typescript };`;
    const hooked = inFreshProcess(body, true);
    const plain = inFreshProcess(body, false);
    assert.equal(hooked.text, plain.text);
    assert.match(hooked.text, /41/);
    assert.equal(hooked.typescript, true);
  });

  it("computeCodePaths (arborist) finds the same files with the hook as without", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-codepaths-"));
    try {
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "p", version: "1.0.0", dependencies: { dep: "1.0.0" } }));
      fs.mkdirSync(path.join(dir, "node_modules", "dep"), { recursive: true });
      fs.writeFileSync(path.join(dir, "node_modules", "dep", "package.json"), JSON.stringify({ name: "dep", version: "1.0.0", main: "index.js" }));
      fs.writeFileSync(path.join(dir, "node_modules", "dep", "index.js"), "module.exports = 1;\n");
      fs.writeFileSync(path.join(dir, "index.js"), "module.exports = 2;\n");
      const body = `const pulumi = require("@pulumi/pulumi"); const paths = await pulumi.runtime.computeCodePaths({ extraIncludePackages: ["dep"] }); const after = (() => { ${LOADED} })(); return { paths: [...paths.keys()].sort(), arborist: after.arborist };`;
      const hooked = inFreshProcess(body, true, dir);
      assert.deepEqual(hooked, inFreshProcess(body, false, dir));
      assert.ok(hooked.paths.some((p: string) => p.includes("node_modules/dep")), JSON.stringify(hooked));
      assert.equal(hooked.arborist, true, "arborist was loaded when used");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the stand-in loads its module once, on first use, and behaves as it", () => {
    let loads = 0;
    const real = { answer: 42, nested: { x: 1 }, fn(this: unknown, a: number) {
      return a + 1;
    } };
    const m = deferredModule(() => (loads++, real), false) as typeof real;
    assert.equal(loads, 0);
    assert.equal(m.answer, 42);
    assert.equal(m.fn(1), 2);
    assert.deepEqual(Object.keys(m), ["answer", "nested", "fn"]);
    assert.ok("nested" in m);
    assert.equal(loads, 1);
  });

  it("a stand-in that answers __esModule passes __importStar unenumerated, and its named exports still work", () => {
    let loads = 0;
    class Arborist {
      constructor(public readonly opts: unknown) {}
    }
    const m = deferredModule(() => (loads++, { Arborist }), true) as { __esModule?: boolean; Arborist: typeof Arborist };
    // What tsc's __importStar does first: a module marked __esModule is used as it is.
    assert.equal(m.__esModule, true);
    assert.equal(loads, 0);
    const arb = new m.Arborist({ path: "/x" });
    assert.ok(arb instanceof Arborist);
    assert.equal(loads, 1);
  });
});
