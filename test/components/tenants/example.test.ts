import assert from "node:assert/strict";
import path from "node:path";
import { runProgram } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import type { RecordedResource } from "../../../cli/preview/types";

const EXAMPLE = path.resolve(__dirname, "../../../examples/saas-tenants");

describe("examples/saas-tenants (run under the preview mocks)", function () {
  this.timeout(600_000);
  let resources: RecordedResource[];
  before(async () => {
    ({ resources } = await runProgram(loadProject(EXAMPLE, "dev")));
  });
  const ofType = (t: string) => resources.filter((r) => r.type === t);

  it("builds 50 tenant VPCs and a shared-services VPC, each tenant table reaching shared services and blackholing the pool", () => {
    const vpcs = ofType("aws:ec2/vpc:Vpc");
    assert.equal(vpcs.length, 51);
    const attachments = new Map(ofType("aws:ec2transitgateway/vpcAttachment:VpcAttachment").map((a) => [a.id, a.name.replace(/^saas-/, "")]));
    const tables = ofType("aws:ec2transitgateway/routeTable:RouteTable");
    assert.equal(tables.length, 51);
    for (const t of tables.filter((x) => x.name !== "saas-shared-services")) {
      const routes = ofType("aws:ec2transitgateway/route:Route").filter((r) => (r.inputs as any).transitGatewayRouteTableId === t.id);
      assert.deepEqual(
        routes.map((r) => [(r.inputs as any).destinationCidrBlock, (r.inputs as any).blackhole ? "blackhole" : attachments.get((r.inputs as any).transitGatewayAttachmentId)]).sort(),
        [["10.128.0.0/12", "blackhole"], ["10.64.0.0/20", "shared-services"]],
      );
    }
  });
});
