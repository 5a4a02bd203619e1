import assert from "node:assert/strict";
import { setupMocks, recorded, resetRecorded, settle, unwrap, resourcesOfType, resourceNamed, recordedCalls } from "../../mocks";
setupMocks();
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

class Holder extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  constructor(name: string) {
    super("netseg:test:Holder", name);
    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: "10.0.0.0/16", tags: { Name: name } }, { parent: this });
    this.vpcId = vpc.id;
    this.registerOutputs({ vpcId: this.vpcId });
  }
}

describe("test/mocks (shared Pulumi mock runtime)", () => {
  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("records registrations with inputs, parent and a deterministic id", async () => {
    setupMocks(); // idempotent
    const h = new Holder("mocks-holder");
    const id = await unwrap(h.vpcId);
    await settle();
    const vpc = resourceNamed("aws:ec2/vpc:Vpc", "mocks-holder-vpc");
    assert.equal(vpc.inputs.cidrBlock, "10.0.0.0/16");
    assert.equal(vpc.parent, resourcesOfType("netseg:test:Holder")[0].urn);
    assert.match(id, /^vpc-[0-9a-f]{17}$/);
    assert.equal(vpc.id, id);
    assert.equal(recorded().length, 2);
  });

  it("answers the known provider functions and refuses unknown ones", async () => {
    const azs = await aws.getAvailabilityZones({});
    assert.deepEqual(azs.names.slice(0, 3), ["us-east-1a", "us-east-1b", "us-east-1c"]);
    assert.equal((await aws.getCallerIdentity({})).accountId, "123456789012");
    // The SDK reduces the mock's error to a bare "Error"; the token is still recorded.
    await assert.rejects(() => aws.ec2.getVpc({ id: "vpc-1" }));
    assert.deepEqual(recordedCalls(), ["aws:index/getAvailabilityZones:getAvailabilityZones", "aws:index/getCallerIdentity:getCallerIdentity", "aws:ec2/getVpc:getVpc"]);
  });
});
