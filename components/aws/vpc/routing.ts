/**
 * One route table per zone and AZ, so that a zone's default route can differ by AZ (its own
 * NAT gateway) and the egress helper can insert a firewall per AZ. Internet-facing zones route
 * to the internet gateway; zones with egress nat to a NAT gateway in the internet-facing zone
 * (one per AZ, or one in AZ 1); zones with egress none or proxy get no default route here
 * (proxy routes are added by the egress component). S3 and DynamoDB gateway endpoints are
 * attached to every private route table. With `routeTables: "perZone"` a zone's AZs share one
 * table (named by the zone), for VPCs where every AZ routes alike. A quarantined zone's NAT route
 * is withdrawn; an internet-facing zone keeps its route to the internet gateway (it may hold the
 * NAT gateways every other zone uses): its NACL's quarantine denies close it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { azKey, subnetKey } from "../../../core/addressing";
import type { SegmentedVpcPlan } from "./args";
import type { NetworkResources } from "./network";
import type { VpcTags } from "./tags";

export interface RoutingResources {
  /** Route tables by zone, then AZ key. */
  readonly routeTables: Readonly<Record<string, Readonly<Record<string, aws.ec2.RouteTable>>>>;
  /** Default routes by zone, then AZ key (only where the zone has one). */
  readonly defaultRoutes: Readonly<Record<string, Readonly<Record<string, aws.ec2.Route>>>>;
  /** NAT gateways by AZ key. */
  readonly natGateways: Readonly<Record<string, aws.ec2.NatGateway>>;
  readonly gatewayEndpoints: Readonly<Record<string, aws.ec2.VpcEndpoint>>;
}

export const DEFAULT_ROUTE = "0.0.0.0/0";

export function createRouting(name: string, plan: SegmentedVpcPlan, tags: VpcTags, net: NetworkResources, region: pulumi.Input<string>): RoutingResources {
  const { intent, rules } = plan;
  const natGateways: Record<string, aws.ec2.NatGateway> = {};
  if (plan.natAzIndexes.length && rules.natZone) {
    const host = intent.zones.find((z) => z.name === rules.natZone)!;
    for (const az of plan.natAzIndexes) {
      const subnet = net.subnets[host.name][azKey(az)];
      const key = `nat-${azKey(az)}`;
      const eip = new aws.ec2.Eip(`${name}-${key}`, { domain: "vpc", tags: tags.zoned(host, "nat-eip", key) }, { parent: subnet });
      natGateways[azKey(az)] = new aws.ec2.NatGateway(`${name}-${key}`, { subnetId: subnet.id, allocationId: eip.id, connectivityType: "public", tags: tags.zoned(host, "nat-gateway", key) }, { parent: subnet, dependsOn: net.internetGateway ? [net.internetGateway] : [] });
    }
  }
  const natFor = (az: number) => natGateways[azKey(az)] ?? natGateways[azKey(0)];

  const routeTables: Record<string, Record<string, aws.ec2.RouteTable>> = {};
  const defaultRoutes: Record<string, Record<string, aws.ec2.Route>> = {};
  const privateTables: aws.ec2.RouteTable[] = [];
  const quarantined = new Set((intent.quarantine ?? []).filter((q) => q.workload === undefined).map((q) => q.zone));
  for (const zone of intent.zones) {
    if (!zone.managed) continue;
    routeTables[zone.name] = {};
    defaultRoutes[zone.name] = {};
    const perZone = plan.routeTables === "perZone";
    for (let az = 0; az < intent.availabilityZones; az++) {
      const key = subnetKey(zone.name, az);
      const shared = perZone && az > 0 ? routeTables[zone.name][azKey(0)] : undefined;
      const table = shared ?? new aws.ec2.RouteTable(`${name}-${perZone ? zone.name : key}`, { vpcId: net.vpcId, tags: tags.zoned(zone, "route-table", perZone ? zone.name : key) }, { parent: net.parent });
      routeTables[zone.name][azKey(az)] = table;
      new aws.ec2.RouteTableAssociation(`${name}-${key}`, { routeTableId: table.id, subnetId: net.subnets[zone.name][azKey(az)].id }, { parent: table });
      if (shared) continue;
      let target: aws.ec2.RouteArgs | undefined;
      if (zone.internet === "inbound") target = { routeTableId: table.id, destinationCidrBlock: DEFAULT_ROUTE, gatewayId: net.internetGatewayId! };
      else {
        privateTables.push(table);
        // A quarantined zone's route to its NAT gateway is withdrawn: the zone's NACL denies everything too.
        if (zone.egress === "nat" && plan.natAzIndexes.length && !quarantined.has(zone.name)) target = { routeTableId: table.id, destinationCidrBlock: DEFAULT_ROUTE, natGatewayId: natFor(az).id };
      }
      if (target) defaultRoutes[zone.name][azKey(az)] = new aws.ec2.Route(`${name}-${key}-default`, target, { parent: table });
    }
  }

  const gatewayEndpoints: Record<string, aws.ec2.VpcEndpoint> = {};
  if (privateTables.length) {
    for (const service of plan.gatewayEndpoints) {
      gatewayEndpoints[service] = new aws.ec2.VpcEndpoint(
        `${name}-${service}`,
        {
          vpcId: net.vpcId,
          serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
          vpcEndpointType: "Gateway",
          routeTableIds: privateTables.map((t) => t.id),
          tags: tags.shared("gateway-endpoint", service),
        },
        { parent: net.parent },
      );
    }
  }
  return { routeTables, defaultRoutes, natGateways, gatewayEndpoints };
}
