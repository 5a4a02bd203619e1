import assert from "node:assert/strict";
import fc from "fast-check";
import { parseIntent } from "../../../core/intent";
import { fleetGrids, planTenantRouting, tenantBlockDrift, tenantGridDrift, tenantIntent, tenantResourceName } from "../../../core/tenants";
import { planAddresses } from "../../../core/addressing";
import { fleet, fleetInput } from "./fixtures";

const blocksOf = (intent: ReturnType<typeof fleet>) => Object.fromEntries(planTenantRouting(intent.tenants!).tenants.map((t) => [t.tenant, t.block]));

describe("core/tenants stability", () => {
  it("appending tenants never moves an existing block (pinned or not)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 20 }), fc.boolean(), (n, more, pin) => {
        const before = blocksOf(fleet(n, { pin }));
        const after = blocksOf(fleet(n + more, { pin }));
        for (const [t, b] of Object.entries(before)) assert.equal(after[t], b);
      }),
      { numRuns: 30 },
    );
  });

  it("removing any pinned tenant never moves another", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.nat(), (n, r) => {
        const input = fleetInput(n, { pin: true });
        const before = blocksOf(parseIntent(input));
        input.tenants!.members.splice(r % n, 1);
        const after = blocksOf(parseIntent(input));
        for (const [t, b] of Object.entries(after)) assert.equal(b, before[t]);
        assert.equal(Object.keys(after).length, n - 1);
      }),
      { numRuns: 30 },
    );
  });

  it("catches the one way a block can move (removing an unpinned tenant) and names the pin", () => {
    const input = fleetInput(4);
    const before = blocksOf(parseIntent(input));
    input.tenants!.members.splice(1, 1);
    const moved = parseIntent(input);
    const issues = tenantBlockDrift(moved.tenants!, before);
    assert.deepEqual(
      issues.map((i) => [i.path, i.message, i.fix]),
      [
        ["tenants.members[1]", `tenant "t003" would move from ${before.t003} to ${before.t002}, which replaces its VPC`, "pin it where it is: slot: 2"],
        ["tenants.members[2]", `tenant "t004" would move from ${before.t004} to ${before.t003}, which replaces its VPC`, "pin it where it is: slot: 3"],
      ],
    );
    const pinned = fleetInput(4);
    pinned.tenants!.members = pinned.tenants!.members.map((m, i) => ({ ...m, slot: i }));
    pinned.tenants!.members.splice(1, 1);
    assert.deepEqual(tenantBlockDrift(parseIntent(pinned).tenants!, before), []);
  });

  it("names a tenant's resources by fleet and tenant only, never by position", () => {
    const a = fleet(5);
    const b = parseIntent({ ...fleetInput(5), tenants: { ...fleetInput(5).tenants!, members: [...fleetInput(5).tenants!.members].reverse().map((m, i) => ({ ...m, slot: 4 - i })) } });
    for (const m of a.tenants!.members) {
      const mb = b.tenants!.members.find((x) => x.name === m.name)!;
      assert.equal(tenantIntent(a, m).name, tenantIntent(b, mb).name);
      assert.equal(tenantIntent(a, m).addressSpace, tenantIntent(b, mb).addressSpace);
    }
    assert.equal(tenantResourceName("saas", "t001"), "saas-t001");
  });

  it("makes each tenant an ordinary intent whose zones may reach shared services on the shared ports", () => {
    const i = fleet(3);
    const t = tenantIntent(i, i.tenants!.members[2]);
    assert.equal(t.addressSpace, blocksOf(i).t003);
    assert.deepEqual(t.peers.map((p) => [p.name, p.cidrs]), [["shared-services", ["10.64.0.0/20"]]]);
    assert.deepEqual(
      t.flows.map((f) => f.key),
      ["web->app", "app->data", "web->shared-services", "app->shared-services", "data->shared-services"],
    );
    const plan = planAddresses(t);
    assert.ok(plan.subnets.every((s) => s.cidr.startsWith("10.128.")));
    assert.equal(plan.infrastructure.filter((s) => s.purpose === "transit").length, 2);
  });
});

describe("core/tenants grid drift", () => {
  const deployed = { tenants: { zoneSlots: 4, azSlots: 2 }, sharedServices: { zoneSlots: 2, azSlots: 2 } };

  it("names a derived grid that a new zone would re-cut, with the addressing that keeps the deployed one", () => {
    const input = fleetInput(3);
    input.tenants!.zones.push({ name: "cache" });
    const issues = tenantGridDrift(parseIntent(input).tenants!, deployed);
    assert.deepEqual(
      issues.map((i) => [i.path, i.value, i.message, i.fix]),
      [
        [
          "tenants.addressing",
          "{ zoneSlots: 8, azSlots: 2 }",
          "every tenant's block would be cut into 8 zone slots x 2 AZ slots instead of 4 x 2, which moves and replaces every subnet in it",
          "keep the deployed grid: write addressing: { zoneSlots: 4, azSlots: 2 } under tenants (zones and AZs fit only into its free slots), or plan the re-cut as a migration",
        ],
      ],
    );
  });

  it("names the shared-services grid a third AZ would re-cut, and nothing when the grids stay", () => {
    const input = fleetInput(3);
    input.tenants!.availabilityZones = 3;
    assert.deepEqual(tenantGridDrift(parseIntent(input).tenants!, deployed).map((i) => i.path), ["tenants.addressing", "tenants.sharedServices.addressing"]);
    assert.deepEqual(tenantGridDrift(fleet(3).tenants!, deployed), []);
    const written = fleetInput(3);
    written.tenants!.addressing = { zoneSlots: 4, azSlots: 2 };
    written.tenants!.sharedServices.addressing = { zoneSlots: 2, azSlots: 2 };
    assert.deepEqual(fleetGrids(parseIntent(written).tenants!), deployed);
  });
});
