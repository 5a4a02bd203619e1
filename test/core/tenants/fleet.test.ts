import assert from "node:assert/strict";
import fc from "fast-check";
import { parseIntent, IntentError } from "../../../core/intent";
import { planTenantFleet, planTenantRouting, SHARED_SERVICES } from "../../../core/tenants";
import { fleetInput } from "./fixtures";

/** A fleet whose members sit at these slots (names by slot, so a name keeps its slot). */
function fleetAt(slots: readonly number[], order?: readonly number[]) {
  const input = fleetInput(0, { pool: "10.128.0.0/10", blockPrefix: 22 });
  const members = slots.map((slot) => ({ name: `t${slot}`, slot }));
  const ordered = order ? order.map((i) => members[i]) : members;
  return parseIntent({ ...input, tenants: { ...input.tenants!, members: ordered } }).tenants!;
}

describe("core/tenants planTenantFleet", () => {
  it("puts each tenant in shard floor(slot / shardSize), shards sorted, tenants sorted by name", () => {
    const plan = planTenantFleet(fleetAt([0, 99, 100, 250, 7]), 100);
    assert.deepEqual(
      plan.shards.map((s) => [s.key, s.slots, s.tenants]),
      [
        ["shard-0", [0, 99], ["t0", "t7", "t99"]],
        ["shard-1", [100, 199], ["t100"]],
        ["shard-2", [200, 299], ["t250"]],
      ],
    );
    assert.deepEqual(plan.shardOf, { t0: "shard-0", t100: "shard-1", t250: "shard-2", t7: "shard-0", t99: "shard-0" });
  });

  it("splits the fleet's routing without changing it: every tenant table once, every return route once", () => {
    const tenants = fleetAt([3, 150, 151, 420]);
    const plan = planTenantFleet(tenants, 100);
    const routing = planTenantRouting(tenants);
    const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);
    const tables = plan.shards.flatMap((s) => s.routeTables).sort(byKey);
    assert.deepEqual(tables, routing.routeTables.filter((t) => t.key !== SHARED_SERVICES).sort(byKey));
    assert.deepEqual(
      plan.shards.flatMap((s) => s.sharedRoutes).sort((a, b) => (a.destination < b.destination ? -1 : 1)),
      [...routing.routeTables.find((t) => t.key === SHARED_SERVICES)!.routes].sort((a, b) => (a.destination < b.destination ? -1 : 1)),
    );
    for (const s of plan.shards) for (const t of s.routeTables) assert.ok(t.routes.every((r) => r.target.kind === "blackhole" || r.target.attachment === SHARED_SERVICES), `${t.key} routes only to shared services or the blackhole`);
  });

  it("adding, removing or re-ordering tenants never moves another one to a different shard (random fleets)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 4095 }), { minLength: 1, maxLength: 40 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 4095 }), { maxLength: 10 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer(),
        (slots, added, shardSize, seed) => {
          const before = planTenantFleet(fleetAt(slots), shardSize);
          // Brute-force reference: the shard of each tenant by its slot alone.
          for (const s of slots) assert.equal(before.shardOf[`t${s}`], `shard-${Math.floor(s / shardSize)}`);
          const kept = slots.filter((_, i) => (seed >>> i % 31) & 1);
          const grown = [...new Set([...kept, ...added])];
          const order = grown.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101));
          const after = planTenantFleet(fleetAt(grown, order), shardSize);
          for (const s of kept) assert.equal(after.shardOf[`t${s}`], before.shardOf[`t${s}`]);
          // Every shard's slot range holds exactly its tenants.
          for (const sh of after.shards) for (const n of sh.tenants) assert.ok(Number(n.slice(1)) >= sh.slots[0] && Number(n.slice(1)) <= sh.slots[1]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("refuses unpinned tenants and a bad shard size, naming the pin and the size to write", () => {
    const unpinned = parseIntent(fleetInput(3)).tenants!;
    assert.throws(
      () => planTenantFleet(unpinned, 100),
      (e: unknown) => e instanceof IntentError && e.issues.length === 3 && e.issues[1].path === "tenants.members[1].slot" && e.issues[1].fix === "pin it: slot: 1",
    );
    for (const bad of [0, -1, 2.5, 1001, Number.NaN]) {
      assert.throws(() => planTenantFleet(fleetAt([1]), bad), (e: unknown) => e instanceof IntentError && e.issues[0].path === "shardSize");
    }
  });
});
