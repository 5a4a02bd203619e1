import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { loadIntentFile } from "../../../../core/intent";
import { TenantFleetShard, TenantFleetTransit, fleetTransit } from "../../../../components/aws/tenants";

const config = new pulumi.Config();
const intent = loadIntentFile(path.join(__dirname, "..", "fixture", "intent.yaml"));
const shard = config.getNumber("shard");

function transitStack() {
  const t = new TenantFleetTransit("fx", { intent });
  return { transitGatewayId: t.transitGatewayId, sharedRouteTableId: t.sharedRouteTableId, sharedAttachmentId: t.sharedAttachmentId };
}

function shardStack(index: number) {
  const s = new TenantFleetShard("fx", { intent, shardSize: 2, shard: index, transit: fleetTransit(config), layout: "lean" });
  // The break: a hand-written group beside netseg's, SSH open to the whole internet (a mandatory rule of the AWS pack).
  if (config.getBoolean("openSsh")) {
    new aws.ec2.SecurityGroup("hand-ssh", {
      vpcId: Object.values(s.vpcIds)[0],
      description: "debug access",
      ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"], description: "ssh" }],
    });
  }
  return { vpcIds: s.vpcIds };
}

export = shard === undefined ? transitStack() : shardStack(shard);
