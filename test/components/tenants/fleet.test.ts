import assert from "node:assert/strict";
import { setupMocks, recorded, resetRecorded, settle, resourcesOfType, resourceNamed } from "../../mocks";
setupMocks();
import { TenantFleetShard, TenantFleetTransit, TenantVpcs } from "../../../components/aws/tenants";
import { parseIntent } from "../../../core/intent";
import { fleetInput } from "../../core/tenants/fixtures";

const TGW = "aws:ec2transitgateway/transitGateway:TransitGateway";
const TGW_RT = "aws:ec2transitgateway/routeTable:RouteTable";
const TGW_ROUTE = "aws:ec2transitgateway/route:Route";
const TGW_ASSOC = "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation";
const ATTACH = "aws:ec2transitgateway/vpcAttachment:VpcAttachment";
const VPC = "aws:ec2/vpc:Vpc";
const AZS = ["us-east-1a", "us-east-1b"];
/** Ids as a StackReference would give them: the transit stack's, not this program's. */
const TRANSIT = { transitGatewayId: "tgw-0transit", sharedRouteTableId: "tgw-rtb-0shared", sharedAttachmentId: "tgw-attach-0shared" };

/** 7 pinned tenants at slots 0..6; shards of 3: shard-0 t001-t003, shard-1 t004-t006, shard-2 t007. */
const intentOf = (n = 7, order?: (ms: { name: string; slot?: number }[]) => { name: string; slot?: number }[]) => {
  const input = fleetInput(n, { pin: true });
  return parseIntent({ ...input, tenants: { ...input.tenants!, members: order ? order([...input.tenants!.members]) : input.tenants!.members } });
};

describe("components/aws/tenants TenantFleetTransit and TenantFleetShard", function () {
  this.timeout(300_000);
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("the transit stack holds the TGW, the shared-services VPC, its attachment and table, and no tenant", async () => {
    const transit = new TenantFleetTransit("tr", { intent: intentOf(), availabilityZoneNames: AZS });
    await settle();
    assert.equal(resourcesOfType(TGW).length, 1);
    assert.deepEqual(resourcesOfType(ATTACH).map((a) => a.name), ["tr-shared-services"]);
    assert.deepEqual(resourcesOfType(TGW_RT).map((a) => a.name), ["tr-shared-services"]);
    assert.deepEqual(resourcesOfType(TGW_ROUTE), [], "the shared table's routes to tenants live in the shards");
    const assoc = resourceNamed(TGW_ASSOC, "tr-shared-services");
    assert.equal(assoc.inputs.transitGatewayAttachmentId, resourceNamed(ATTACH, "tr-shared-services").id);
    assert.equal(resourcesOfType(VPC).length, 1);
    // The shared VPC's tables route the whole pool to the TGW, not each tenant.
    const toTgw = resourcesOfType("aws:ec2/route:Route").filter((r) => r.inputs.transitGatewayId !== undefined);
    assert.ok(toTgw.length > 0 && toTgw.every((r) => r.inputs.destinationCidrBlock === "10.128.0.0/12"));
    assert.equal(recorded().filter((r) => r.inputs.tags?.["netseg:tenant"] !== undefined).length, 0);
    assert.ok(transit.sharedRouteTableId && transit.sharedAttachmentId && transit.transitGatewayId);
  });

  it("a shard creates only its tenants, each routed to the transit stack's ids: shared services, the pool blackholed, a return route", async () => {
    new TenantFleetShard("fl", { intent: intentOf(), shardSize: 3, shard: 1, transit: TRANSIT, availabilityZoneNames: AZS });
    await settle();
    assert.deepEqual(resourcesOfType(ATTACH).map((a) => a.name).sort(), ["fl-t004", "fl-t005", "fl-t006"]);
    assert.equal(resourcesOfType(TGW).length, 0, "the TGW is the transit stack's");
    for (const a of resourcesOfType(ATTACH)) assert.equal(a.inputs.transitGatewayId, TRANSIT.transitGatewayId);
    for (const t of ["t004", "t005", "t006"]) {
      const rt = resourceNamed(TGW_RT, `fl-${t}`);
      assert.equal(rt.inputs.transitGatewayId, TRANSIT.transitGatewayId);
      assert.equal(resourceNamed(TGW_ASSOC, `fl-${t}`).inputs.transitGatewayAttachmentId, resourceNamed(ATTACH, `fl-${t}`).id);
      const routes = resourcesOfType(TGW_ROUTE).filter((r) => r.inputs.transitGatewayRouteTableId === rt.id);
      assert.deepEqual(routes.map((r) => [r.inputs.destinationCidrBlock, r.inputs.blackhole === true ? "blackhole" : r.inputs.transitGatewayAttachmentId]).sort(), [
        ["10.128.0.0/12", "blackhole"],
        ["10.64.0.0/20", TRANSIT.sharedAttachmentId],
      ]);
      const back = resourceNamed(TGW_ROUTE, `fl-shared-services-to-${t}`);
      assert.equal(back.inputs.transitGatewayRouteTableId, TRANSIT.sharedRouteTableId);
      assert.equal(back.inputs.transitGatewayAttachmentId, resourceNamed(ATTACH, `fl-${t}`).id);
    }
  });

  it("a tenant's shard resources are those TenantVpcs gives it (same names, same inputs), so the VPC is the same VPC", async () => {
    new TenantFleetShard("same", { intent: intentOf(), shardSize: 3, shard: 2, transit: TRANSIT, availabilityZoneNames: AZS });
    await settle();
    const shard = recorded().filter((r) => r.name.startsWith("same-t007") && r.type.startsWith("aws:ec2/")).map((r) => [r.type, r.name, JSON.stringify(r.inputs)]);
    resetRecorded();
    new TenantVpcs("same", { intent: intentOf(), availabilityZoneNames: AZS });
    await settle();
    const whole = recorded().filter((r) => r.name.startsWith("same-t007") && r.type.startsWith("aws:ec2/")).map((r) => [r.type, r.name, JSON.stringify(r.inputs)]);
    assert.ok(shard.length > 20);
    const norm = (rows: string[][]) => rows.map((r) => r.join(" ").replace(/"transitGatewayId":"[^"]*"/g, "")).sort();
    assert.deepEqual(norm(shard), norm(whole));
  });

  it("adding tenants elsewhere, removing one and re-ordering the list leave a shard's registrations unchanged", async () => {
    const urns = async (intent: ReturnType<typeof intentOf>) => {
      await settle();
      resetRecorded();
      new TenantFleetShard("st", { intent, shardSize: 3, shard: 1, transit: TRANSIT, availabilityZoneNames: AZS });
      await settle();
      return recorded().map((r) => `${r.urn} ${JSON.stringify(r.inputs)}`).sort();
    };
    const before = await urns(intentOf(7));
    const after = await urns(intentOf(12, (ms) => ms.filter((m) => m.name !== "t002").reverse()));
    assert.deepEqual(after, before);
  });

  it("an empty shard is valid and creates nothing; a bad shard index or unpinned tenants are refused with the fix", async () => {
    new TenantFleetShard("empty", { intent: intentOf(), shardSize: 3, shard: 9, transit: TRANSIT, availabilityZoneNames: AZS });
    await settle();
    assert.deepEqual(recorded().map((r) => r.type), ["netseg:aws:TenantFleetShard"]);
    assert.throws(() => new TenantFleetShard("neg", { intent: intentOf(), shardSize: 3, shard: -1, transit: TRANSIT }), /shard -1 is not a shard index.*shard: 3/);
    assert.throws(() => new TenantFleetShard("unp", { intent: parseIntent(fleetInput(2)), shardSize: 3, shard: 0, transit: TRANSIT }), /no pinned slot.*pin it: slot: 0/s);
  });
});
