import assert from "node:assert/strict";
import { setupMocks, recorded, resetRecorded, settle, resourcesOfType, resourceNamed, type RecordedResource } from "../../mocks";
setupMocks();
import { TenantVpcs } from "../../../components/aws/tenants";
import { parseIntent } from "../../../core/intent";
import { fleetInput } from "../../core/tenants/fixtures";

const TGW_RT = "aws:ec2transitgateway/routeTable:RouteTable";
const TGW_ROUTE = "aws:ec2transitgateway/route:Route";
const TGW_ASSOC = "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation";
const ATTACH = "aws:ec2transitgateway/vpcAttachment:VpcAttachment";

async function build(name: string, input = fleetInput(4, { pin: true }), extra: Partial<ConstructorParameters<typeof TenantVpcs>[1]> = {}) {
  const intent = parseIntent(input);
  const fleet = new TenantVpcs(name, { intent, availabilityZoneNames: ["us-east-1a", "us-east-1b"], ...extra });
  await settle();
  return { intent, fleet };
}

/** The tenant (or shared-services) whose attachment has this id. */
function attachmentOwner(id: string): string {
  const a = resourcesOfType(ATTACH).find((x) => x.id === id);
  assert.ok(a, `attachment ${id} exists`);
  return a.name.replace(/^[^-]+-/, "");
}

describe("components/aws/tenants TenantVpcs", () => {
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("creates a TGW without default association or propagation, one table per tenant plus shared services", async () => {
    const { intent } = await build("ten");
    const [tgw] = resourcesOfType("aws:ec2transitgateway/transitGateway:TransitGateway");
    assert.equal(tgw.inputs.defaultRouteTableAssociation, "disable");
    assert.equal(tgw.inputs.defaultRouteTablePropagation, "disable");
    assert.deepEqual(resourcesOfType(TGW_RT).map((r) => r.name).sort(), ["ten-shared-services", ...intent.tenants!.members.map((m) => `ten-${m.name}`)].sort());
    for (const a of resourcesOfType(ATTACH)) {
      assert.equal(a.inputs.transitGatewayDefaultRouteTableAssociation, false);
      assert.equal(a.inputs.transitGatewayDefaultRouteTablePropagation, false);
    }
    for (const assoc of resourcesOfType(TGW_ASSOC)) {
      const rt = resourcesOfType(TGW_RT).find((r) => r.id === assoc.inputs.transitGatewayRouteTableId)!;
      assert.equal(attachmentOwner(assoc.inputs.transitGatewayAttachmentId), rt.name.replace(/^ten-/, ""), "each attachment is associated with its own table");
    }
  });

  it("every tenant table reaches shared services and blackholes the pool; none routes to another tenant", async () => {
    const { intent, fleet } = await build("iso");
    const shared = resourceNamed(ATTACH, "iso-shared-services");
    for (const m of intent.tenants!.members) {
      const rt = resourceNamed(TGW_RT, `iso-${m.name}`);
      const routes = resourcesOfType(TGW_ROUTE).filter((r) => r.inputs.transitGatewayRouteTableId === rt.id);
      assert.deepEqual(
        routes.map((r) => [r.inputs.destinationCidrBlock, r.inputs.blackhole === true ? "blackhole" : attachmentOwner(r.inputs.transitGatewayAttachmentId)]).sort(),
        [["10.128.0.0/12", "blackhole"], ["10.64.0.0/20", "shared-services"]],
      );
      assert.ok(routes.every((r) => r.inputs.blackhole === true || r.inputs.transitGatewayAttachmentId === shared.id));
      for (const other of intent.tenants!.members.filter((o) => o.name !== m.name)) {
        assert.ok(!routes.some((r) => r.inputs.destinationCidrBlock === fleet.blocks[other.name]), `${m.name} has no route to ${other.name}'s block`);
      }
    }
  });

  it("the shared table routes each tenant block to that tenant's attachment", async () => {
    const { fleet } = await build("shr");
    const rt = resourceNamed(TGW_RT, "shr-shared-services");
    const routes = resourcesOfType(TGW_ROUTE).filter((r) => r.inputs.transitGatewayRouteTableId === rt.id);
    assert.deepEqual(
      routes.map((r) => [r.inputs.destinationCidrBlock, attachmentOwner(r.inputs.transitGatewayAttachmentId)]).sort(),
      Object.entries(fleet.blocks).map(([t, b]) => [b, t]).sort(),
    );
  });

  it("gives each tenant VPC its block, its tag, transit subnets with a confining NACL, and routes only shared services to the TGW", async () => {
    const { intent, fleet } = await build("vpc");
    const [tgw] = resourcesOfType("aws:ec2transitgateway/transitGateway:TransitGateway");
    for (const m of intent.tenants!.members) {
      const vpc = resourceNamed("aws:ec2/vpc:Vpc", `vpc-${m.name}`);
      assert.equal(vpc.inputs.cidrBlock, fleet.blocks[m.name]);
      assert.equal(vpc.inputs.tags["netseg:tenant"], m.name);
      const tables = resourcesOfType("aws:ec2/routeTable:RouteTable").filter((r) => r.inputs.vpcId === vpc.id).map((r) => r.id);
      const toTgw = resourcesOfType("aws:ec2/route:Route").filter((r) => tables.includes(r.inputs.routeTableId) && r.inputs.transitGatewayId !== undefined);
      assert.equal(toTgw.length, tables.length, "every zone table has a TGW route");
      assert.ok(toTgw.every((r) => r.inputs.destinationCidrBlock === "10.64.0.0/20" && r.inputs.transitGatewayId === tgw.id));
      const transit = resourcesOfType("aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith(`vpc-${m.name}-transit-`));
      assert.equal(transit.length, 2);
      const acl = resourceNamed("aws:ec2/networkAcl:NetworkAcl", `vpc-${m.name}-transit`);
      assert.deepEqual(acl.inputs.subnetIds, transit.map((s) => s.id));
      assert.deepEqual(acl.inputs.egress.map((e: any) => e.cidrBlock), [fleet.blocks[m.name], "10.64.0.0/20"]);
      const att = resourceNamed(ATTACH, `vpc-${m.name}`);
      assert.deepEqual(att.inputs.subnetIds, transit.map((s) => s.id));
      assert.equal(att.inputs.tags["netseg:tenant"], m.name);
    }
    const sharedVpc = resourceNamed("aws:ec2/vpc:Vpc", "vpc-shared-services");
    assert.equal(sharedVpc.inputs.cidrBlock, "10.64.0.0/20");
    const sharedTables = resourcesOfType("aws:ec2/routeTable:RouteTable").filter((r) => r.inputs.vpcId === sharedVpc.id).map((r) => r.id);
    const back = resourcesOfType("aws:ec2/route:Route").filter((r) => sharedTables.includes(r.inputs.routeTableId) && r.inputs.transitGatewayId !== undefined);
    assert.ok(back.length > 0 && back.every((r) => r.inputs.destinationCidrBlock === "10.128.0.0/12"));
  });

  it("shares the TGW through RAM when asked", async () => {
    await build("ram", fleetInput(2, { pin: true }), { ram: { principals: ["222233334444", "111122223333"] } });
    const [share] = resourcesOfType("aws:ram/resourceShare:ResourceShare");
    assert.equal(share.inputs.allowExternalPrincipals, false);
    assert.deepEqual(resourcesOfType("aws:ram/principalAssociation:PrincipalAssociation").map((p) => p.inputs.principal), ["111122223333", "222233334444"]);
    assert.equal(resourcesOfType("aws:ram/resourceAssociation:ResourceAssociation").length, 1);
  });

  it("exposes vpc ids, blocks and attachment ids by tenant", async () => {
    const { fleet, intent } = await build("out");
    assert.deepEqual(Object.keys(fleet.vpcIds), intent.tenants!.members.map((m) => m.name).sort());
    assert.deepEqual(Object.keys(fleet.attachmentIds).sort(), [...Object.keys(fleet.vpcIds), "shared-services"].sort());
    assert.equal(fleet.blocks.t001, "10.128.0.0/20");
    assert.deepEqual(fleet.grids, { tenants: { zoneSlots: 4, azSlots: 2 }, sharedServices: { zoneSlots: 2, azSlots: 2 } }, "the grids the fixture derives, exposed for tenantGridDrift");
  });

  describe("stability", () => {
    const snapshot = (rs: readonly RecordedResource[], tenant: string) =>
      rs.filter((r) => r.name.includes(`-${tenant}`)).map((r) => `${r.type}::${r.name}::${r.inputs.cidrBlock ?? r.inputs.destinationCidrBlock ?? ""}`).sort();

    it("adding a tenant or removing a pinned one neither moves nor renames another's resources", async () => {
      await build("stab", fleetInput(4, { pin: true }));
      const before = [...recorded()];
      resetRecorded();
      const grown = fleetInput(5, { pin: true });
      grown.tenants!.members.splice(1, 1); // remove t002, add t005
      await build("stab", grown);
      const after = [...recorded()];
      for (const t of ["t001", "t003", "t004"]) {
        const b = snapshot(before, t);
        assert.ok(b.length > 20, `${t} has resources`);
        assert.deepEqual(snapshot(after, t), b, `${t} unchanged`);
      }
      assert.equal(snapshot(after, "t002").length, 0);
      assert.ok(snapshot(after, "t005").length > 0);
    });
  });
});
