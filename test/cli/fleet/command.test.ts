import assert from "node:assert/strict";
import path from "node:path";
import { runFleetCommand } from "./run-command";

const FIXTURE = path.resolve(__dirname, "fixture");

const run = runFleetCommand;

describe("netseg fleet preview (command)", function () {
  this.timeout(600_000);

  it("exits 2 and says the isolation was NOT analysed when the fleet is above --max-endpoints (pre-check off)", async () => {
    const r = await run(["fleet", "preview", FIXTURE, "--stacks", "shard-1", "--max-endpoints", "3", "--no-precheck"]);
    assert.equal(r.code, 2);
    assert.match(r.out, /^transit: 31 resources/m);
    assert.match(r.out, /Tenant isolation NOT analysed: .*above the limit of 3/);
  });

  it("exits 0 with --no-analyse when every stack ran, listing each in JSON", async () => {
    const r = await run(["fleet", "preview", FIXTURE, "--stacks", "shard-0", "--no-analyse", "--format", "json"]);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.out).stacks.map((s: { stack: string }) => s.stack), ["transit", "shard-0"]);
  });
});
