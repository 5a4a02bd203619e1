/**
 * `netseg fleet preview` passes each lane's stacks through one set of netseg's packs, started with
 * the first stack's environment (PULUMI_CONFIG, PULUMI_NODEJS_STACK): sound only while neither the
 * packs nor anything they bundle (their rules, core/) reads the stack from the process, which is
 * what this checks in the sources. A rule that needs the stack reads it from the analyze calls.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const READS_STACK = /process\.env|getStack\(|getProject\(|getOrganization\(|new\s+(pulumi\.)?Config\(|runtime\.getConfig|allConfig\(/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(p);
    return /\.ts$/.test(e.name) ? [p] : [];
  });
}

describe("fleet / shared pack processes", () => {
  it("netseg's packs and the code they bundle read no stack setting from the process environment", () => {
    const files = [...sources(path.join(ROOT, "policy-packs")), ...sources(path.join(ROOT, "core"))];
    assert.ok(files.length > 50);
    const offending = files.filter((f) => READS_STACK.test(fs.readFileSync(f, "utf8"))).map((f) => path.relative(ROOT, f));
    assert.deepEqual(offending, [], "a pack reading its stack from the environment would see the first stack of its lane");
  });
});
