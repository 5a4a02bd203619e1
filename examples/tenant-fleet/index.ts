/**
 * One program, eleven stacks: `transit` (no `shard` in its config) creates the transit gateway and
 * the shared-services VPC; `shard-N` creates the 100 tenants whose slot is in [N*100, N*100+99],
 * reading the transit gateway and the shared table from the transit stack by a StackReference.
 * `netseg fleet preview examples/tenant-fleet` previews every stack offline; `netseg fleet run
 * <up|preview|refresh> examples/tenant-fleet` (cli/fleet/driver.ts) runs them through the Automation
 * API, transit first, with netseg's policy packs enforced on up and preview.
 * A shard is built with `TenantFleetShard.create`: the same resources as `new TenantFleetShard`,
 * registered at most 10 tenants at a time, so the program's memory stays bounded by that window
 * rather than by the shard (bench/RESULTS-tenants.md).
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadIntentFile } from "../../core/intent";
import { TenantFleetShard, TenantFleetTransit, fleetTransit } from "../../components/aws/tenants";

/** Tenants per shard stack. Never change it on a deployed fleet: it would move tenants between stacks. */
const SHARD_SIZE = 100;

const config = new pulumi.Config();
const intent = loadIntentFile(path.join(__dirname, "intent.yaml"));
const shard = config.getNumber("shard");

function transitStack() {
  const fleet = new TenantFleetTransit("fleet", { intent });
  return {
    transitGatewayId: fleet.transitGatewayId,
    sharedRouteTableId: fleet.sharedRouteTableId,
    sharedAttachmentId: fleet.sharedAttachmentId,
    sharedServicesVpcId: fleet.sharedServicesVpc.vpcId,
  };
}

async function shardStack(index: number) {
  // The transit stack's ids by a StackReference (or from the `transit` config, as `netseg fleet preview` sets offline).
  const fleet = await TenantFleetShard.create("fleet", { intent, shardSize: SHARD_SIZE, shard: index, transit: fleetTransit(config), layout: "lean" });
  return { shard: index, tenantVpcIds: fleet.vpcIds, tenantBlocks: fleet.blocks, attachmentIds: fleet.attachmentIds, tgwRouteTableIds: fleet.tgwRouteTableIds };
}

// An async entry point: the SDK awaits it, then takes the stack outputs from what it returns.
export = async () => (shard === undefined ? transitStack() : shardStack(shard));
