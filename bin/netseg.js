#!/usr/bin/env node
// In a checkout the TypeScript sources run through tsx (a dev dependency), so a stale build can
// never answer; the published package ships only the compiled CLI under dist/.
const path = require("node:path");
const fs = require("node:fs");
const source = path.join(__dirname, "..", "cli", "main.ts");
if (fs.existsSync(source)) {
  require("tsx/cjs");
  require(source).main(process.argv);
} else {
  require(path.join(__dirname, "..", "dist", "cli", "main.js")).main(process.argv);
}
