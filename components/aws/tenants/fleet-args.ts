/** TenantFleetTransit and TenantFleetShard arguments, and the outputs that join their stacks. */
import type * as pulumi from "@pulumi/pulumi";
import type { Intent } from "../../../core/intent/types";
import type { TenantVpcsArgs } from "./args";

/** The transit stack's outputs a shard reads (by these names) through a StackReference. */
export const FLEET_TRANSIT_OUTPUTS = ["transitGatewayId", "sharedRouteTableId", "sharedAttachmentId"] as const;

/** What a shard needs from the transit stack: plain ids or a StackReference's outputs. */
export interface FleetTransitRefs {
  readonly transitGatewayId: pulumi.Input<string>;
  /** The shared-services TGW route table; each shard adds the return route to its own tenants. */
  readonly sharedRouteTableId: pulumi.Input<string>;
  /** The shared-services attachment; each tenant's TGW table routes shared services to it. */
  readonly sharedAttachmentId: pulumi.Input<string>;
}

interface FleetCommonArgs {
  /** The whole fleet's intent (every member); a shard picks its own members by slot. */
  readonly intent: Intent;
  readonly vpc?: TenantVpcsArgs["vpc"];
  /** AZ names by AZ index; the region's available AZs in order when absent. */
  readonly availabilityZoneNames?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
}

export interface TenantFleetTransitArgs extends FleetCommonArgs {
  /** Share the transit gateway through AWS RAM (shards in other accounts). */
  readonly ram?: TenantVpcsArgs["ram"];
}

export interface TenantFleetShardArgs extends FleetCommonArgs {
  /** Tenants per shard; a tenant's shard is floor(slot / shardSize). Never change it on a deployed fleet. */
  readonly shardSize: number;
  /** This stack's shard index. A shard without tenants (all removed) is valid and creates nothing. */
  readonly shard: number;
  readonly transit: FleetTransitRefs;
  /** As TenantVpcs' layout: `lean` shares route tables across AZs and one flow-log bucket per shard. */
  readonly layout?: "standard" | "lean";
}
