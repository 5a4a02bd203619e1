#!/usr/bin/env node
// netseg's component provider (see PulumiPlugin.yaml). In a checkout the TypeScript sources run
// through tsx, as bin/netseg.js does; the published package runs the compiled provider in dist/.
const path = require("node:path");
const fs = require("node:fs");

const source = path.join(__dirname, "..", "provider", "main.ts");
if (fs.existsSync(source)) {
  require("tsx/cjs");
  require(source);
} else {
  require(path.join(__dirname, "..", "dist", "provider", "main.js"));
}
