import assert from "node:assert/strict";
import fc from "fast-check";
import { cidr, cidrsOverlap } from "../../../core/net/cidr";
import { IntentError, parseIntent } from "../../../core/intent";
import { lookupTgwRoute, planTenantRouting, SHARED_SERVICES } from "../../../core/tenants";
import { fleet, fleetInput } from "./fixtures";

/** First usable address of a block, as a /32. */
const hostIn = (block: string) => cidr(block).text.replace(/\.0\/\d+$/, ".1/32");

describe("core/tenants routing", () => {
  const intent = fleet(12);
  const plan = planTenantRouting(intent.tenants!);

  it("has one table per tenant plus one for shared services, each associated with its own attachment", () => {
    assert.deepEqual(plan.routeTables.map((t) => t.key), [SHARED_SERVICES, ...intent.tenants!.members.map((m) => m.name).sort()]);
    for (const t of plan.routeTables) assert.equal(t.associatedAttachment, t.key);
  });

  it("lets every tenant reach shared services and no other tenant (longest prefix: blackhole)", () => {
    for (const table of plan.routeTables.slice(1)) {
      assert.deepEqual(lookupTgwRoute(table, hostIn(plan.sharedServicesBlock)), { kind: "attachment", attachment: SHARED_SERVICES });
      for (const other of plan.tenants.filter((t) => t.tenant !== table.key)) {
        assert.deepEqual(lookupTgwRoute(table, other.block), { kind: "blackhole" }, `${table.key} -> ${other.tenant}`);
      }
      for (const r of table.routes) {
        if (r.target.kind === "attachment") assert.equal(r.target.attachment, SHARED_SERVICES, `${table.key} routes only to shared services`);
      }
    }
  });

  it("blackholes future tenants too: any address of the pool", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 20 - 1 }), (offset) => {
        const a = cidr(`10.128.0.0/12`).start + BigInt(offset);
        const addr = `${Number(a >> 24n)}.${Number((a >> 16n) & 255n)}.${Number((a >> 8n) & 255n)}.${Number(a & 255n)}/32`;
        for (const table of plan.routeTables.slice(1)) assert.deepEqual(lookupTgwRoute(table, addr), { kind: "blackhole" });
      }),
      { numRuns: 50 },
    );
  });

  it("routes shared services back to every tenant through that tenant's attachment only", () => {
    const shared = plan.routeTables[0];
    assert.ok(shared.routes.every((r) => r.target.kind === "attachment"));
    for (const t of plan.tenants) assert.deepEqual(lookupTgwRoute(shared, hostIn(t.block)), { kind: "attachment", attachment: t.tenant });
  });

  it("gives each VPC only the route it needs towards the TGW", () => {
    assert.deepEqual(plan.vpcRoutes[SHARED_SERVICES], ["10.128.0.0/12"]);
    for (const t of plan.tenants) assert.deepEqual(plan.vpcRoutes[t.tenant], ["10.64.0.0/20"]);
  });

  it("gives disjoint blocks inside the pool", () => {
    const blocks = plan.tenants.map((t) => cidr(t.block));
    for (let i = 0; i < blocks.length; i++) {
      for (let j = i + 1; j < blocks.length; j++) assert.ok(!cidrsOverlap(blocks[i], blocks[j]));
    }
  });

  it("refuses a tenant named like the shared-services table", () => {
    const input = fleetInput(2);
    input.tenants!.members.push({ name: SHARED_SERVICES });
    assert.throws(() => planTenantRouting(parseIntent(input).tenants!), /"shared-services" is reserved/);
  });

  describe("pool exhaustion", () => {
    it("names how many tenants fit and how to make room", () => {
      assert.throws(
        () => fleet(17, { pool: "10.128.0.0/16", blockPrefix: 20 }),
        (e: unknown) => {
          assert.ok(e instanceof IntentError);
          const issue = e.issues.find((i) => i.path === "tenants.members");
          assert.ok(issue, "the issue is on tenants.members");
          assert.equal(issue.message, "17 tenants do not fit: the pool 10.128.0.0/16 holds 16 blocks of /20");
          assert.equal(issue.value, 17);
          assert.equal(issue.fix, "use a larger pool or a longer blockPrefix (at most 16 tenants fit now)");
          assert.match(e.message, /at most 16 tenants fit/);
          return true;
        },
      );
    });

    it("accepts exactly as many tenants as fit", () => {
      assert.equal(planTenantRouting(fleet(16, { pool: "10.128.0.0/16", blockPrefix: 20 }).tenants!).tenants.length, 16);
    });

    it("names the usable slots when a pinned slot is outside the pool", () => {
      const input = fleetInput(2, { pool: "10.128.0.0/16", blockPrefix: 20 });
      input.tenants!.members[1] = { name: "t002", slot: 16 };
      assert.throws(() => parseIntent(input), /tenants\.members\[1\]\.slot: slot 16 is outside the pool, which holds 16 blocks of \/20 \(slots 0-15\)/);
    });
  });
});
