import assert from "node:assert/strict";
import fc from "fast-check";
import { fleetStacks, runFleet, type FleetStack, type FleetStackSpec, type OpenFleetStack } from "../../../cli/fleet/driver";

/** A fake workspace: each stack answers after a delay, as scripted; it logs opens, calls and concurrency. */
function fakeWorkspace(script: Record<string, { fail?: string; result?: string; delay?: number; changes?: Record<string, number> }> = {}) {
  const log: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const open: OpenFleetStack = async (spec: FleetStackSpec) => {
    log.push(`open ${spec.name}`);
    const s = script[spec.name] ?? {};
    const act = async <T>(op: string, value: T): Promise<T> => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      log.push(`${op} ${spec.name}`);
      await new Promise((r) => setTimeout(r, s.delay ?? 1));
      running--;
      if (s.fail) throw new Error(`${s.fail}\nsecond line`);
      return value;
    };
    const summary = () => ({ summary: { result: s.result ?? "succeeded", resourceChanges: s.changes ?? { create: 1 }, message: "engine says no" } });
    const stack: FleetStack = { up: () => act("up", summary()), refresh: () => act("refresh", summary()), preview: () => act("preview", { changeSummary: s.changes ?? { create: 1 } }) };
    return stack;
  };
  return { open, log, max: () => maxRunning };
}

describe("cli/fleet runFleet", () => {
  it("runs the transit stack first, then every shard; sums the changes; the summary lists transit then shards by index", async () => {
    const ws = fakeWorkspace({ transit: { changes: { create: 40 } }, "shard-2": { changes: { create: 600, same: 3 } } });
    const { transit, shards } = fleetStacks([2, 0, 1]);
    const s = await runFleet({ operation: "up", transit, shards, parallelism: 2, open: ws.open });
    assert.equal(ws.log[1], "up transit");
    assert.ok(ws.log.indexOf("up transit") < ws.log.indexOf("open shard-0"), "no shard opens before the transit stack is done");
    assert.deepEqual(s.stacks.map((o) => [o.stack, o.status]), [["transit", "succeeded"], ["shard-0", "succeeded"], ["shard-1", "succeeded"], ["shard-2", "succeeded"]]);
    assert.deepEqual(s.changes, { create: 642, same: 3 });
    assert.equal(s.ok, true);
  });

  it("a failing shard is reported with its error and does not stop the others; an up that ends 'failed' is a failure", async () => {
    const ws = fakeWorkspace({ "shard-1": { fail: "CommandError: code: 255" }, "shard-3": { result: "failed" } });
    const { transit, shards } = fleetStacks([0, 1, 2, 3]);
    const s = await runFleet({ operation: "up", transit, shards, parallelism: 3, open: ws.open });
    assert.equal(s.ok, false);
    assert.deepEqual(s.counts, { succeeded: 3, failed: 2, skipped: 0 });
    assert.equal(s.stacks.find((o) => o.stack === "shard-1")!.reason, "CommandError: code: 255 | second line");
    assert.equal(s.stacks.find((o) => o.stack === "shard-3")!.reason, 'up ended "failed": engine says no');
  });

  it("after a failed transit up the shards are skipped, each saying why; a preview still previews them", async () => {
    const ws = fakeWorkspace({ transit: { fail: "no credentials" } });
    const { transit, shards } = fleetStacks([0, 1]);
    const up = await runFleet({ operation: "up", transit, shards, open: ws.open });
    assert.deepEqual(up.stacks.map((o) => o.status), ["failed", "skipped", "skipped"]);
    assert.match(up.stacks[1].reason!, /transit stack transit failed/);
    assert.ok(!ws.log.some((l) => l.includes("shard")), "no shard was opened");
    const preview = await runFleet({ operation: "preview", transit, shards, open: ws.open });
    assert.deepEqual(preview.stacks.map((o) => o.status), ["failed", "succeeded", "succeeded"]);
  });

  it("never runs more shards at once than the parallelism, and uses it (random fleets)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 }), fc.constantFrom("up" as const, "preview" as const, "refresh" as const), async (n, parallelism, operation) => {
        const ws = fakeWorkspace(Object.fromEntries(Array.from({ length: n }, (_, i) => [`shard-${i}`, { delay: 2 + ((i * 7) % 5) }])));
        const { transit, shards } = fleetStacks(Array.from({ length: n }, (_, i) => i));
        const s = await runFleet({ operation, transit, shards, parallelism, open: ws.open });
        assert.equal(ws.max(), Math.min(parallelism, n));
        assert.equal(s.stacks.length, n + 1);
        assert.equal(ws.log.filter((l) => l.startsWith(`${operation} `)).length, n + 1, "each stack ran the operation once");
      }),
      { numRuns: 25 },
    );
  });
});
