/**
 * The egress path's subnets, NAT gateways and routes, created from `planAwsEgressPath`. Route
 * resources are named by the route table's key and destination, never by list position.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { INTERNET, type AwsEgressPathPlan, type PathRoute, type PathSubnet } from "../../../core/egress";
import { EPHEMERAL, TrafficSet } from "../../../core/net";
import { internetAdminDenies } from "../../../core/rules/aws";
import type { EgressNetwork } from "./args";
import { egressTags } from "./tags";

export interface PathSubnets {
  readonly networkAcl: aws.ec2.NetworkAcl;
  readonly inner: Record<string, aws.ec2.Subnet>;
  readonly outer: Record<string, aws.ec2.Subnet>;
  readonly routeTables: Record<string, aws.ec2.RouteTable>;
  readonly natGateways: aws.ec2.NatGateway[];
  readonly internetGatewayId: pulumi.Input<string>;
}

export interface PathContext {
  readonly name: string;
  readonly intent: string;
  readonly network: EgressNetwork;
  readonly azNames: pulumi.Output<string[]>;
  readonly parent: pulumi.Resource;
  readonly tags: Readonly<Record<string, string>>;
}

function routeName(table: string, route: PathRoute): string {
  return `${table}-to-${route.key}`;
}

/**
 * One NACL for the path's subnets (a VPC's default NACL may deny everything, as SegmentedVpc's
 * does). Inside the VPC anything may pass (the zones' own filters and the firewall or proxy
 * judge it); towards the internet only TCP on the ports that leave at all, and back only the
 * ephemeral ports of return traffic, admin ports among them denied first (the zones' NACLs use the
 * same helper). No allow-all entry.
 */
function createPathAcl(ctx: PathContext, subnets: aws.ec2.Subnet[], vpcCidr: string, ports: readonly number[]): aws.ec2.NetworkAcl {
  const out = [...new Set(ports)].sort((a, b) => a - b).map((p, i) => ({ ruleNo: 200 + i * 10, action: "allow", protocol: "tcp", cidrBlock: INTERNET, fromPort: p, toPort: p }));
  // Return traffic from the internet arrives on ephemeral ports, RDP's among them: closed first.
  const returns = TrafficSet.fromSpecs([{ protocol: "tcp", ...EPHEMERAL }]);
  const denies = internetAdminDenies(returns).map((d, i) => ({ ruleNo: 150 + i * 10, action: "deny", protocol: "tcp", cidrBlock: INTERNET, fromPort: d.from, toPort: d.to }));
  return new aws.ec2.NetworkAcl(
    `${ctx.name}-egress-path`,
    {
      vpcId: ctx.network.vpcId,
      subnetIds: subnets.map((s) => s.id),
      ingress: [
        { ruleNo: 100, action: "allow", protocol: "-1", cidrBlock: vpcCidr, fromPort: 0, toPort: 0 },
        ...denies,
        { ruleNo: 200, action: "allow", protocol: "tcp", cidrBlock: INTERNET, fromPort: EPHEMERAL.from, toPort: EPHEMERAL.to },
      ],
      egress: [{ ruleNo: 100, action: "allow", protocol: "-1", cidrBlock: vpcCidr, fromPort: 0, toPort: 0 }, ...out],
      tags: egressTags(ctx.intent, "egress-network-acl", `${ctx.intent}-egress-path`, ctx.tags),
    },
    { parent: ctx.parent },
  );
}

export function createPathSubnets(ctx: PathContext, plan: AwsEgressPathPlan, vpcCidr: string, ports: readonly number[]): PathSubnets {
  const { name, parent } = ctx;
  const innerRole = plan.backend === "network-firewall" ? "egress-firewall" : "egress-proxy";
  const subnet = (s: PathSubnet, role: string) =>
    new aws.ec2.Subnet(
      `${name}-${s.key}`,
      {
        vpcId: ctx.network.vpcId,
        cidrBlock: s.cidr,
        availabilityZone: ctx.azNames.apply((azs) => azs[s.azIndex]),
        mapPublicIpOnLaunch: false,
        tags: egressTags(ctx.intent, role, `${ctx.intent}-${s.key}`, ctx.tags),
      },
      { parent },
    );
  const inner = Object.fromEntries(plan.inner.map((s) => [s.key, subnet(s, innerRole)]));
  const outer = Object.fromEntries(plan.outer.map((s) => [s.key, subnet(s, "egress-nat")]));
  const routeTables: Record<string, aws.ec2.RouteTable> = {};
  for (const s of [...plan.inner, ...plan.outer]) {
    const sub = inner[s.key] ?? outer[s.key];
    const rt = new aws.ec2.RouteTable(`${name}-${s.key}`, { vpcId: ctx.network.vpcId, tags: egressTags(ctx.intent, "egress-route-table", `${ctx.intent}-${s.key}`, ctx.tags) }, { parent });
    new aws.ec2.RouteTableAssociation(`${name}-${s.key}`, { routeTableId: rt.id, subnetId: sub.id }, { parent: rt });
    routeTables[s.key] = rt;
  }
  const internetGatewayId =
    ctx.network.internetGatewayId ?? new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: ctx.network.vpcId, tags: egressTags(ctx.intent, "egress-igw", `${ctx.intent}-egress`, ctx.tags) }, { parent }).id;
  const natGateways = plan.outer.map((s) => {
    const eip = new aws.ec2.Eip(`${name}-${s.key}`, { domain: "vpc", tags: egressTags(ctx.intent, "egress-nat", `${ctx.intent}-${s.key}`, ctx.tags) }, { parent });
    return new aws.ec2.NatGateway(`${name}-${s.key}`, { allocationId: eip.id, subnetId: outer[s.key].id, connectivityType: "public", tags: egressTags(ctx.intent, "egress-nat", `${ctx.intent}-${s.key}`, ctx.tags) }, { parent, dependsOn: [routeTables[s.key]] });
  });
  const networkAcl = createPathAcl(ctx, [...Object.values(inner), ...Object.values(outer)], vpcCidr, ports);
  return { networkAcl, inner, outer, routeTables, natGateways, internetGatewayId };
}

export type EndpointResolver = (azIndex: number) => pulumi.Input<string | undefined>;

function targetArgs(r: PathRoute, path: PathSubnets, endpoint: EndpointResolver | undefined): Partial<aws.ec2.RouteArgs> {
  switch (r.target.kind) {
    case "internet-gateway":
      return { gatewayId: path.internetGatewayId };
    case "nat":
      return { natGatewayId: path.natGateways[r.target.azIndex].id };
    case "firewall-endpoint":
      if (!endpoint) throw new Error("internal: a firewall-endpoint route without a firewall");
      return { vpcEndpointId: endpoint(r.target.azIndex) };
  }
}

/** Every route of the plan: the path's own tables and the proxied zones' tables. */
export function createPathRoutes(ctx: PathContext, plan: AwsEgressPathPlan, path: PathSubnets, endpoint?: EndpointResolver): aws.ec2.Route[] {
  const routes: aws.ec2.Route[] = [];
  for (const s of [...plan.inner, ...plan.outer]) {
    const rt = path.routeTables[s.key];
    for (const r of s.routes) {
      routes.push(new aws.ec2.Route(`${ctx.name}-${routeName(s.key, r)}`, { routeTableId: rt.id, destinationCidrBlock: r.destination, ...targetArgs(r, path, endpoint) }, { parent: rt }));
    }
  }
  const missing = plan.zones.filter((z) => z.routes.length && ctx.network.routeTableIds[z.subnetKey] === undefined).map((z) => z.subnetKey);
  if (missing.length) {
    throw new pulumi.ResourceError(`EgressProxy ${ctx.name}: network.routeTableIds has no route table for the proxied subnets ${missing.join(", ")}; pass the VPC's route table of each zone subnet, keyed like "app-az1"`, ctx.parent);
  }
  for (const z of plan.zones) {
    for (const r of z.routes) {
      routes.push(new aws.ec2.Route(`${ctx.name}-${routeName(z.subnetKey, r)}`, { routeTableId: ctx.network.routeTableIds[z.subnetKey], destinationCidrBlock: r.destination, ...targetArgs(r, path, endpoint) }, { parent: ctx.parent }));
    }
  }
  return routes;
}
