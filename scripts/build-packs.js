// After `tsc`, makes each policy pack under dist/policy-packs/<pack>/ a folder that stands on its
// own, as `pulumi policy publish` and `pulumi preview --policy-pack <folder>` need it: index.js
// is the pack with its rules, netseg's core, zod and every other library bundled in (esbuild),
// so nothing is loaded from outside the folder but @pulumi/policy and @pulumi/pulumi, which its
// package.json declares (the policy server and the SDK's runner must be the ones the folder
// installs; they are never bundled). PulumiPolicy.yaml is copied beside it.
const fs = require("node:fs");
const path = require("node:path");
const esbuild = require("esbuild");

const root = path.join(__dirname, "..");
const src = path.join(root, "policy-packs");
const netseg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

/** What a pack loads at run time, with the ranges netseg supports (its peer ranges). */
const RUNTIME = ["@pulumi/policy", "@pulumi/pulumi"];
const dependencies = Object.fromEntries(
  RUNTIME.map((name) => {
    const range = netseg.peerDependencies?.[name];
    if (!range) throw new Error(`package.json declares no peer range for ${name}, which every pack needs`);
    return [name, range];
  }),
);

for (const pack of fs.readdirSync(src).sort()) {
  const dir = path.join(src, pack);
  if (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) continue;
  const out = path.join(root, "dist", "policy-packs", pack);
  fs.mkdirSync(out, { recursive: true });
  // tsc's per-file output points at ../rules: replaced by the bundle.
  for (const f of ["index.js", "index.js.map", "index.d.ts"]) fs.rmSync(path.join(out, f), { force: true });
  const result = esbuild.buildSync({
    entryPoints: [path.join(dir, "index.ts")],
    outfile: path.join(out, "index.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: RUNTIME.flatMap((name) => [name, `${name}/*`]),
    legalComments: "eof",
    logLevel: "warning",
  });
  if (result.errors.length > 0) throw new Error(`bundling ${pack} failed`);
  fs.copyFileSync(path.join(dir, "PulumiPolicy.yaml"), path.join(out, "PulumiPolicy.yaml"));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const published = { ...manifest, version: netseg.version, main: "index.js", license: netseg.license, dependencies: { ...dependencies, ...manifest.dependencies } };
  fs.writeFileSync(path.join(out, "package.json"), JSON.stringify(published, null, 2) + "\n");
  console.log(`policy pack ready: dist/policy-packs/${pack} (self-contained; needs ${Object.keys(published.dependencies).join(", ")})`);
}
