/**
 * TypeScript packs start from an esbuild bundle of their sources by default and from the
 * sources themselves (ts-node with type-check, as the Pulumi CLI does) with `typecheckPacks`.
 * The two must differ only in the type-check: same rules, same working directory.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PreviewError } from "../../../cli/preview/errors";
import { bundlePack, isTypeScriptPack, packEntry } from "../../../cli/preview/pack-bundle";
import { openPacks } from "../../../cli/preview/pack-session";

const ROOT = path.join(__dirname, "..", "..", "..");
const FIXTURE_PACK = path.join(ROOT, "test", "fixtures", "preview", "pack");
const ENV = { project: "p", stack: "dev", config: {} };

/** A copy of the fixture pack in a temp dir that resolves packages from this checkout. */
function packCopy(tmp: string, name: string, edit?: (index: string) => string): string {
  const dir = path.join(tmp, name);
  fs.cpSync(FIXTURE_PACK, dir, { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  if (edit) fs.writeFileSync(path.join(dir, "index.ts"), edit(fs.readFileSync(path.join(dir, "index.ts"), "utf8")));
  return dir;
}

describe("preview: TypeScript packs started from a bundle", function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-pack-bundle-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("finds the entry Node would load: package.json main with or without extension, else index", () => {
    const dir = path.join(tmp, "entries");
    fs.mkdirSync(path.join(dir, "lib"), { recursive: true });
    fs.writeFileSync(path.join(dir, "lib", "index.ts"), "");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ main: "lib" }));
    assert.equal(packEntry(dir), path.join(dir, "lib", "index.ts"));
    fs.writeFileSync(path.join(dir, "pack.js"), "");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ main: "pack" }));
    assert.equal(packEntry(dir), path.join(dir, "pack.js"));
    assert.equal(isTypeScriptPack(dir), false);
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "no-main" }));
    fs.writeFileSync(path.join(dir, "index.ts"), "");
    assert.equal(packEntry(dir), path.join(dir, "index.ts"));
    assert.equal(isTypeScriptPack(dir), true);
    assert.equal(isTypeScriptPack(path.join(ROOT, "policy-packs", "aws")), true);
  });

  it("bundles the pack's own sources and leaves packages to be loaded from where the pack resolves them", async () => {
    const out = path.join(tmp, "out-aws");
    const file = await bundlePack(path.join(ROOT, "policy-packs", "aws"), out);
    assert.equal(file, path.join(out, "index.js"));
    const code = fs.readFileSync(file!, "utf8");
    assert.match(code, /netseg-aws-sg-no-internet-admin-ports/, "the rules are in the bundle");
    assert.ok(code.includes(JSON.stringify(require.resolve("@pulumi/policy"))), "@pulumi/policy is required from the pack's own resolution");
    assert.ok(!/class PolicyPack\b/.test(code), "@pulumi/policy itself is not bundled");
    assert.ok(fs.existsSync(`${file}.map`), "a source map sits beside the bundle");
  });

  it("each source file keeps its own __dirname and __filename (a pack may read files beside its sources)", async () => {
    const dir = packCopy(tmp, "paths", (src) => `import { allowed } from "./data/read";\nif (allowed !== "tcp/443") throw new Error("read " + allowed);\n${src}`);
    fs.mkdirSync(path.join(dir, "data"));
    fs.writeFileSync(path.join(dir, "data", "allowed.txt"), "tcp/443\n");
    fs.writeFileSync(
      path.join(dir, "data", "read.ts"),
      'import * as fs from "node:fs";\nimport * as path from "node:path";\nif (path.basename(__filename) !== "read.ts") throw new Error(__filename);\nexport const allowed = fs.readFileSync(path.join(__dirname, "allowed.txt"), "utf8").trim();\n',
    );
    const session = await openPacks([dir], [], ENV);
    await session.close();
  });

  it("a syntax error is refused before anything starts, naming the file and line", async () => {
    const dir = packCopy(tmp, "syntax", (src) => `${src}\nconst broken = ;\n`);
    await assert.rejects(
      () => openPacks([dir], [], ENV),
      (err: unknown) => err instanceof PreviewError && /did not start: its TypeScript does not compile: .*index\.ts:\d+:\d+: /.test(err.message),
    );
  });

  it("a type error starts from the bundle, but not with typecheckPacks (the CLI's own start)", async () => {
    const dir = packCopy(tmp, "types", (src) => `${src}\nexport const port: number = "443";\n`);
    const session = await openPacks([dir], [], ENV);
    try {
      assert.equal(session.packs[0].info.name, "netseg-preview-fixture");
      assert.equal(session.packs[0].pack.dir, dir, "the pack directory stays its working directory");
    } finally {
      await session.close();
    }
    await assert.rejects(
      () => openPacks([dir], [], ENV, { typecheckPacks: true }),
      (err: unknown) => err instanceof PreviewError && /did not start: .*TS2322/.test(err.message),
    );
  });
});
