import assert from "node:assert/strict";
import path from "node:path";
import { setupMocks, recorded, registeredAsStack, resetRecorded, settle, unwrap, type RecordedResource } from "../../mocks";
setupMocks();
import { DEFAULT_TENANTS_IN_FLIGHT, TenantFleetShard, TenantVpcs } from "../../../components/aws/tenants";
import { runProgram } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import { SEGMENTED_VPC_TYPE } from "../../../components/aws/vpc/segmented-vpc";
import { fleet } from "../../core/tenants/fixtures";

const AZS = ["us-east-1a", "us-east-1b"];
const TRANSIT = { transitGatewayId: "tgw-0transit", sharedRouteTableId: "tgw-rtb-0shared", sharedAttachmentId: "tgw-attach-0shared" };

// Both ways are run under one name in each test: the mock derives ids from names, and the SDK's
// mock monitor keeps the last registration of a URN (nothing else in this file uses these names).

/** The tenant a resource belongs to: the name of the tenant SegmentedVpc above it, if any. */
function tenantOf(r: RecordedResource, byUrn: Map<string, RecordedResource>, prefix: string): string | undefined {
  for (let at: RecordedResource | undefined = r; at; at = at.parent ? byUrn.get(at.parent) : undefined) {
    if (at.type === SEGMENTED_VPC_TYPE && at.name.startsWith(prefix) && at.name !== `${prefix}shared-services`) return at.name.slice(prefix.length);
  }
  return undefined;
}

/** The most tenants with a registration asked and not every one answered, at any moment. */
function mostTenantsInFlight(prefix: string): number {
  const byUrn = new Map(recorded().map((r) => [r.urn, r]));
  const spans = new Map<string, [number, number]>();
  for (const r of recorded()) {
    const tenant = tenantOf(r, byUrn, prefix);
    if (tenant === undefined) continue;
    assert.ok(r.answeredAt !== undefined, `${r.name} was never answered`);
    const [from, to] = spans.get(tenant) ?? [Infinity, -Infinity];
    spans.set(tenant, [Math.min(from, r.requestedAt), Math.max(to, r.answeredAt)]);
  }
  let most = 0;
  for (const [from] of spans.values()) most = Math.max(most, [...spans.values()].filter(([f, t]) => f <= from && from <= t).length);
  return most;
}

describe("components/aws/tenants create: a fleet registered a few tenants at a time", function () {
  this.timeout(300_000);
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("TenantVpcs.create registers exactly what new TenantVpcs registers, and sets the same properties", async () => {
    const intent = fleet(8, { pin: true });
    const built = new TenantVpcs("reg", { intent, availabilityZoneNames: AZS });
    await settle();
    const expected = registeredAsStack();
    const expectedIds = await unwrap({ vpcIds: built.vpcIds, attachmentIds: built.attachmentIds, tgwRouteTableIds: built.tgwRouteTableIds });
    resetRecorded();

    const created = await TenantVpcs.create("reg", { intent, availabilityZoneNames: AZS }, undefined, { tenantsInFlight: 3 });
    await settle();
    assert.deepEqual(registeredAsStack(), expected);
    assert.equal(mostTenantsInFlight("reg-"), 3);
    const ids = await unwrap({ vpcIds: created.vpcIds, attachmentIds: created.attachmentIds, tgwRouteTableIds: created.tgwRouteTableIds });
    assert.deepEqual(ids, expectedIds);
    assert.deepEqual(Object.keys(created.tenants), Object.keys(built.tenants));
    assert.deepEqual(created.blocks, built.blocks);
    assert.deepEqual(Object.keys(created.transit.routeTables), Object.keys(built.transit.routeTables));
  });

  it("keeps at most tenantsInFlight tenants registering at once (new TenantVpcs registers all of them together)", async () => {
    const intent = fleet(11, { pin: true });
    new TenantVpcs("winnew", { intent, availabilityZoneNames: AZS });
    await settle();
    assert.equal(mostTenantsInFlight("winnew-"), 11);
    resetRecorded();

    await TenantVpcs.create("wincre", { intent, availabilityZoneNames: AZS }, undefined, { tenantsInFlight: 3 });
    await settle();
    assert.equal(mostTenantsInFlight("wincre-"), 3);
    resetRecorded();

    await TenantVpcs.create("windef", { intent, availabilityZoneNames: AZS });
    await settle();
    assert.equal(mostTenantsInFlight("windef-"), DEFAULT_TENANTS_IN_FLIGHT);
  });

  it("TenantFleetShard.create registers exactly what new TenantFleetShard registers, in windows", async () => {
    const intent = fleet(9, { pin: true });
    const args = { intent, shardSize: 5, shard: 0, transit: TRANSIT, availabilityZoneNames: AZS };
    const built = new TenantFleetShard("sh", args);
    await settle();
    const expected = registeredAsStack();
    resetRecorded();

    const created = await TenantFleetShard.create("sh", args, undefined, { tenantsInFlight: 2 });
    await settle();
    assert.deepEqual(registeredAsStack(), expected);
    assert.equal(mostTenantsInFlight("sh-"), 2);
    assert.deepEqual(Object.keys(created.tgwRouteTableIds), Object.keys(built.tgwRouteTableIds));
    assert.deepEqual(Object.keys(created.tenants), ["t001", "t002", "t003", "t004", "t005"]);
  });

  it("refuses a window that is not a whole number from 1, before creating anything", async () => {
    const intent = fleet(2, { pin: true });
    for (const bad of [0, -1, 2.5, Number.NaN, "4" as unknown as number]) {
      await assert.rejects(TenantVpcs.create("badwin", { intent, availabilityZoneNames: AZS }, undefined, { tenantsInFlight: bad }), (err: Error) => {
        assert.match(err.message, /^TenantVpcs\.create badwin: registration\.tenantsInFlight .* is not a whole number from 1; set how many tenants may register at once \(default 10\)/);
        return true;
      });
    }
    await settle();
    assert.deepEqual(recorded(), []);
  });

  it("a component error while constructing is thrown as it is by new, and leaves no window open", async () => {
    const intent = fleet(2, { pin: true });
    await assert.rejects(TenantVpcs.create("badlay", { intent, availabilityZoneNames: AZS, layout: "slim" as "lean" }), /TenantVpcs badlay: layout "slim" is neither "standard" nor "lean"/);
    // The next fleet is built normally: no handover was left waiting for a constructor.
    const next = new TenantVpcs("afterbad", { intent, availabilityZoneNames: AZS });
    await settle();
    assert.deepEqual(Object.keys(next.vpcIds), ["t001", "t002"]);
  });
});

describe("components/aws/tenants create in a program (the preview runner, a child process)", function () {
  this.timeout(300_000);
  const FIXTURE = path.join(__dirname, "fixture-create");

  it("an async program awaiting TenantVpcs.create registers every tenant and exports every id", async () => {
    const { resources, outputs } = await runProgram(loadProject(FIXTURE, "ok"));
    const vpcs = resources.filter((r) => r.type === "aws:ec2/vpc:Vpc" && r.name !== "fx-shared-services");
    assert.deepEqual(Object.keys(outputs.tenantVpcIds as object), ["t001", "t002", "t003", "t004", "t005", "t006"]);
    assert.deepEqual(Object.values(outputs.tenantVpcIds as object).sort(), vpcs.map((v) => v.id).sort());
  });

  it("a registration the engine refuses fails the program with its error; no window waits forever", async () => {
    await assert.rejects(runProgram(loadProject(FIXTURE, "refused")), (err: Error) => {
      assert.match(err.message, /failed under the offline preview.*refused by the engine: fx-t004-web-az1/);
      return true;
    });
  });
});
