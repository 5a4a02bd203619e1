/**
 * How a tenant fleet wires a VPC to the transit gateway, shared by TenantVpcs (one stack) and
 * TenantFleetTransit / TenantFleetShard (across stacks), so both name and shape these children
 * alike: the attachment `${name}-${key}`, one route per distinct route table and destination
 * `${name}-${table}-to-tgw`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { SegmentedVpc } from "../vpc";

/** AZ names by AZ index: the given ones, or the region's available AZs in order. */
export const azNamesOf = (names: readonly string[] | undefined, parent: pulumi.Resource) =>
  names ? pulumi.output([...names]) : aws.getAvailabilityZonesOutput({ state: "available" }, { parent }).names;

/**
 * Every VPC of the fleet leaves the pool and shared services out of its internet rules (the TGW
 * carries those, so "the internet on 443" must not open them). A malformed ownRanges is kept
 * whole (not spread into characters) for the plan to report.
 */
export function fleetRangesOf(given: unknown, pool: string, shared: string): string[] {
  return [...(given === undefined ? [] : Array.isArray(given) ? (given as string[]) : [given as string]), pool, shared];
}

/** Every distinct route table of a VPC: with routeTables perZone a zone's AZs share one (keyed by zone). */
export function zoneTables(vpc: SegmentedVpc, prefix: string): Record<string, pulumi.Input<string>> {
  const out: Record<string, pulumi.Input<string>> = {};
  const perZone = vpc.plan.routeTables === "perZone";
  for (const [zone, byAz] of Object.entries(vpc.routeTables)) for (const [az, rt] of Object.entries(byAz)) out[perZone ? `${prefix}-${zone}` : `${prefix}-${zone}-${az}`] = rt.id;
  return out;
}

export function attachVpc(name: string, key: string, transitGatewayId: pulumi.Input<string>, vpcId: pulumi.Input<string>, subnetIds: pulumi.Input<string>[], tags: Record<string, string>, parent: pulumi.Resource) {
  return new aws.ec2transitgateway.VpcAttachment(
    `${name}-${key}`,
    { transitGatewayId, vpcId, subnetIds, transitGatewayDefaultRouteTableAssociation: false, transitGatewayDefaultRouteTablePropagation: false, dnsSupport: "enable", tags: { ...tags, Name: `${name}-${key}` } },
    { parent },
  );
}

export function routesToTgw(name: string, tables: Record<string, pulumi.Input<string>>, destinations: readonly string[], transitGatewayId: pulumi.Input<string>, attachment: pulumi.Resource, parent: pulumi.Resource): void {
  for (const [tableKey, routeTableId] of Object.entries(tables)) {
    for (const destinationCidrBlock of destinations) {
      new aws.ec2.Route(`${name}-${tableKey}-to-tgw`, { routeTableId, destinationCidrBlock, transitGatewayId }, { parent, dependsOn: [attachment] });
    }
  }
}
