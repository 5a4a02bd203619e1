import assert from "node:assert/strict";
import { setupMocks, resetRecorded, settle, resourcesOfType, resourceNamed, countsByType } from "../../mocks";
setupMocks();
import { TenantVpcs } from "../../../components/aws/tenants";
import { SegmentedVpc, SegmentedVpcError } from "../../../components/aws/vpc";
import { parseIntent } from "../../../core/intent";
import { fleetInput } from "../../core/tenants/fixtures";
import { egressIntent } from "../egress/fixtures";

const AZS = ["us-east-1a", "us-east-1b"];
const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

async function counts(name: string, layout: "standard" | "lean", tenants: number) {
  resetRecorded();
  new TenantVpcs(name, { intent: parseIntent(fleetInput(tenants, { pin: true })), availabilityZoneNames: AZS, layout });
  await settle();
  return countsByType();
}

describe("components/aws/tenants lean layout", () => {
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("gives each zone one route table for all its AZs, with the same single TGW route and every subnet associated", async () => {
    const intent = parseIntent(fleetInput(3, { pin: true }));
    const fleet = new TenantVpcs("lean", { intent, availabilityZoneNames: AZS, layout: "lean" });
    await settle();
    const [tgw] = resourcesOfType("aws:ec2transitgateway/transitGateway:TransitGateway");
    for (const m of intent.tenants!.members) {
      const vpc = resourceNamed("aws:ec2/vpc:Vpc", `lean-${m.name}`);
      const tables = resourcesOfType("aws:ec2/routeTable:RouteTable").filter((r) => r.inputs.vpcId === vpc.id);
      const zones = Object.keys(fleet.tenants[m.name].vpc.routeTables);
      assert.deepEqual(tables.map((t) => t.name).sort(), zones.map((z) => `lean-${m.name}-${z}`).sort(), "one table per zone, named by the zone");
      for (const t of tables) {
        const routes = resourcesOfType("aws:ec2/route:Route").filter((r) => r.inputs.routeTableId === t.id);
        assert.deepEqual(routes.map((r) => [r.inputs.destinationCidrBlock, r.inputs.transitGatewayId]), [["10.64.0.0/20", tgw.id]], `${t.name}: shared services only`);
        const assoc = resourcesOfType("aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => a.inputs.routeTableId === t.id);
        assert.equal(assoc.length, AZS.length, `${t.name} serves the zone's subnet in every AZ`);
      }
    }
  });

  it("sends every tenant's flow logs to one private bucket, each under its own prefix", async () => {
    const intent = parseIntent(fleetInput(3, { pin: true }));
    new TenantVpcs("logs", { intent, availabilityZoneNames: AZS, layout: "lean" });
    await settle();
    const bucket = resourceNamed("aws:s3/bucket:Bucket", "logs-flow-logs");
    assert.equal(resourceNamed("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs-flow-logs").inputs.restrictPublicBuckets, true);
    const arn = `arn:aws:s3:us-east-1:123456789012:logs-flow-logs/${bucket.id}`;
    for (const m of intent.tenants!.members) {
      const log = resourceNamed("aws:ec2/flowLog:FlowLog", `logs-${m.name}-flow-logs`);
      assert.deepEqual([log.inputs.logDestinationType, log.inputs.logDestination, log.inputs.trafficType], ["s3", `${arn}/${m.name}/`, "ALL"]);
    }
    assert.equal(resourcesOfType("aws:iam/role:Role").filter((r) => r.name.startsWith("logs-t")).length, 0, "no per-tenant flow-log role");
  });

  it("needs fewer resources per tenant than the standard layout", async () => {
    const std = total(await counts("s2", "standard", 2)) - total(await counts("s1", "standard", 1));
    const lean = total(await counts("l2", "lean", 2)) - total(await counts("l1", "lean", 1));
    assert.ok(lean < std, `lean ${lean} < standard ${std} per tenant`);
    assert.equal(std - lean, 9, "3 route tables, 3 TGW routes, a log group, a role and its policy");
  });

  it("refuses per-zone route tables where AZs must route differently", () => {
    assert.throws(() => new SegmentedVpc("pz", { intent: egressIntent(), availabilityZoneNames: AZS, routeTables: "perZone" }), (e: unknown) => e instanceof SegmentedVpcError && /routeTables: the egress path routes each AZ of app, batch through its own firewall endpoint or NAT/.test(e.message));
    const nat = parseIntent({ name: "n", addressSpace: "10.1.0.0/16", availabilityZones: 2, zones: [{ name: "edge", internet: "inbound" }, { name: "app", egress: "nat" }], flows: [] });
    assert.throws(() => new SegmentedVpc("pz2", { intent: nat, availabilityZoneNames: AZS, routeTables: "perZone" }), /routeTables: one route table per zone cannot send each AZ to its own NAT gateway/);
    assert.doesNotThrow(() => new SegmentedVpc("pz3", { intent: nat, availabilityZoneNames: AZS, routeTables: "perZone", natGateways: "single" }));
  });
});
