// After `tsc`, makes each compiled policy pack under dist/policy-packs/<pack>/ a pack the Pulumi
// CLI can load as is: its PulumiPolicy.yaml, and its package.json pointing at index.js.
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const src = path.join(root, "policy-packs");
for (const pack of fs.readdirSync(src)) {
  const dir = path.join(src, pack);
  if (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) continue;
  const out = path.join(root, "dist", "policy-packs", pack);
  if (!fs.existsSync(path.join(out, "index.js"))) throw new Error(`${out}/index.js is missing: run tsc first`);
  fs.copyFileSync(path.join(dir, "PulumiPolicy.yaml"), path.join(out, "PulumiPolicy.yaml"));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  fs.writeFileSync(path.join(out, "package.json"), JSON.stringify({ ...manifest, main: "index.js" }, null, 2) + "\n");
  console.log(`policy pack ready: dist/policy-packs/${pack}`);
}
