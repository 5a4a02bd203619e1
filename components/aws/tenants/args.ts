/** TenantVpcs arguments. */
import type * as pulumi from "@pulumi/pulumi";
import type { Intent } from "../../../core/intent/types";
import type { SegmentedVpcArgs } from "../vpc";

/** An existing shared-services VPC to attach instead of creating one. */
export interface ExistingSharedServices {
  readonly vpcId: pulumi.Input<string>;
  /** One subnet per AZ for the TGW attachment. */
  readonly transitSubnetIds: readonly pulumi.Input<string>[];
  /** Route tables that need a route to the tenant pool through the TGW. */
  readonly routeTableIds: readonly pulumi.Input<string>[];
}

export interface TenantVpcsArgs {
  /** The normalised intent; its `tenants` section drives everything. */
  readonly intent: Intent;
  /** Create the shared-services VPC (default), or attach an existing one. */
  readonly sharedServices?: ExistingSharedServices;
  /** Share the transit gateway through AWS RAM with these principals (account ids, OU or org ARNs). */
  readonly ram?: { readonly principals: readonly string[]; readonly allowExternalPrincipals?: boolean };
  /**
   * `standard` (default): every tenant VPC is a full SegmentedVpc (a route table per zone and
   * AZ, flow logs to its own CloudWatch log group with its own role). `lean`: tenants share what
   * need not be per tenant: one route table per zone (tenant VPCs have no NAT or egress path, so
   * every AZ routes alike) and one flow-log bucket for the whole fleet, each tenant under its own
   * prefix. Same reachability and the same audit trail, about 15% fewer resources per tenant.
   * Explicit `vpc.routeTables` / `vpc.flowLogs` win over the layout.
   */
  readonly layout?: "standard" | "lean";
  /** Passed to every SegmentedVpc (flow logs, gateway endpoints...). The intent and tags are set here; each tenant gets a VPC of its own, so an existing VPC cannot be named. */
  readonly vpc?: Omit<SegmentedVpcArgs, "intent" | "tags" | "vpc">;
  /** AZ names by AZ index; the region's available AZs in order when absent. */
  readonly availabilityZoneNames?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
}
