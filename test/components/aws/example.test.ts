import assert from "node:assert/strict";
import { setupMocks, resetRecorded, settle, unwrap, resourcesOfType, countsByType } from "../../mocks";
setupMocks();

describe("examples/aws-three-tier", () => {
  it("runs under mocks and exports ids by zone and AZ", async () => {
    await settle();
    resetRecorded();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program runs when loaded, as Pulumi loads it
    const program = require("../../../examples/aws-three-tier/index.ts");
    const subnets = await unwrap<Record<string, Record<string, string>>>(program.subnetIds);
    await settle();
    assert.deepEqual(Object.keys(subnets).sort(), ["app", "data", "edge"]);
    assert.ok(Object.values(subnets).every((byAz) => Object.keys(byAz).length === 3));
    assert.deepEqual(await unwrap(program.availabilityZones), ["us-east-1a", "us-east-1b", "us-east-1c"]);
    assert.match(await unwrap<string>(program.vpcId), /^vpc-/);
    assert.match(await unwrap<string>(program.proxyUrl), /^http:\/\/.+:3128$/);
    assert.equal(program.addressPlan.subnets.length, 9);
    const counts = countsByType();
    const zoned = (type: string) => resourcesOfType(type).filter((r) => r.inputs.tags?.["netseg:zone"]);
    assert.equal(zoned("aws:ec2/subnet:Subnet").length, 9, "a subnet per zone and AZ");
    assert.equal(zoned("aws:ec2/networkAcl:NetworkAcl").length, 3, "a NACL per zone");
    assert.equal(counts["aws:autoscaling/group:Group"], 1, "the app zone's proxy fleet");
    assert.equal(counts["aws:ec2/flowLog:FlowLog"], 1);
    assert.ok(resourcesOfType("aws:ec2/subnet:Subnet").every((s) => s.inputs.tags.project === "netseg-example"));
  });
});
