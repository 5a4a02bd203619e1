import assert from "node:assert/strict";
import path from "node:path";
import { runProgram } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import { loadIntentFile } from "../../../core/intent";
import { planTenantFleet } from "../../../core/tenants";

const EXAMPLE = path.resolve(__dirname, "../../../examples/tenant-fleet");

describe("examples/tenant-fleet", function () {
  this.timeout(600_000);

  it("plans 1,000 tenants into ten shards of 100 by slot, each with its stack file setting its shard", () => {
    const intent = loadIntentFile(path.join(EXAMPLE, "intent.yaml"));
    const plan = planTenantFleet(intent.tenants!, 100);
    assert.equal(intent.tenants!.members.length, 1000);
    assert.deepEqual(plan.shards.map((s) => [s.key, s.slots, s.tenants.length]), Array.from({ length: 10 }, (_, i) => [`shard-${i}`, [i * 100, i * 100 + 99], 100]));
    for (const s of plan.shards) assert.equal(loadProject(EXAMPLE, s.key).config["tenant-fleet:shard"], String(s.index));
    assert.equal(loadProject(EXAMPLE, "transit").config["tenant-fleet:shard"], undefined);
  });

  it("the transit stack (under the preview mocks) creates the TGW and shared services and exports the ids the shards read", async () => {
    const { resources, outputs } = await runProgram(loadProject(EXAMPLE, "transit"));
    const one = (type: string, name: string) => {
      const found = resources.filter((r) => r.type === type);
      assert.deepEqual(found.map((r) => r.name), [name]);
      return found[0];
    };
    assert.equal(outputs.transitGatewayId, one("aws:ec2transitgateway/transitGateway:TransitGateway", "fleet-tgw").id);
    assert.equal(outputs.sharedRouteTableId, one("aws:ec2transitgateway/routeTable:RouteTable", "fleet-shared-services").id);
    assert.equal(outputs.sharedAttachmentId, one("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "fleet-shared-services").id);
    assert.equal(resources.filter((r) => r.type === "aws:ec2/vpc:Vpc").length, 1);
  });

  it("a shard stack (an async program: TenantFleetShard.create) registers its 100 tenants and exports every id", async () => {
    const project = loadProject(EXAMPLE, "shard-3");
    const transit = { transitGatewayId: "tgw-0fleet", sharedRouteTableId: "tgw-rtb-0shared", sharedAttachmentId: "tgw-attach-0shared" };
    const { resources, outputs } = await runProgram({ ...project, config: { ...project.config, "tenant-fleet:transit": JSON.stringify(transit) } });
    const vpcs = resources.filter((r) => r.type === "aws:ec2/vpc:Vpc");
    assert.equal(vpcs.length, 100);
    const vpcIds = outputs.tenantVpcIds as Record<string, string>;
    assert.deepEqual(Object.values(vpcIds).sort(), vpcs.map((v) => v.id).sort());
    const attachments = resources.filter((r) => r.type === "aws:ec2transitgateway/vpcAttachment:VpcAttachment");
    assert.ok(attachments.length === 100 && attachments.every((a) => a.inputs.transitGatewayId === transit.transitGatewayId));
    assert.deepEqual(Object.keys(outputs.tgwRouteTableIds as object).length, 100);
    assert.equal(outputs.shard, 3);
  });
});
