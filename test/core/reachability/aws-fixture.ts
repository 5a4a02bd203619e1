/**
 * A three-zone AWS stack written by hand (edge, app, data in one VPC), with the rules as plain
 * data so each test can change one thing. Rule references use ids (`sg-edge-id`) or, with
 * `unknownIds`, Pulumi's unknown sentinel plus property dependencies, as at a first preview.
 */
import type { NetResource } from "../../../core/reachability";
import { res, UNKNOWN_STRING, urnOf } from "./build";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SUBNET = "aws:ec2/subnet:Subnet";
const NACL = "aws:ec2/networkAcl:NetworkAcl";
const RT = "aws:ec2/routeTable:RouteTable";

export const T = {
  SG, SUBNET, NACL, RT,
  VPC: "aws:ec2/vpc:Vpc",
  IGW: "aws:ec2/internetGateway:InternetGateway",
  NAT: "aws:ec2/natGateway:NatGateway",
  RTA: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  SGR: "aws:ec2/securityGroupRule:SecurityGroupRule",
  SGI: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  NACLR: "aws:ec2/networkAclRule:NetworkAclRule",
  PEERING: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
};

export interface NaclEntry {
  ruleNo: number;
  action: "allow" | "deny";
  protocol: string;
  fromPort: number;
  toPort: number;
  cidrBlock: string;
}

export interface AwsFixture {
  sg: Record<string, { ingress: any[]; egress: any[] }>;
  nacl: Record<string, { ingress: NaclEntry[]; egress: NaclEntry[] }>;
  routes: Record<string, any[]>;
  extra?: NetResource[];
}

export const CIDR: Record<string, string> = { edge: "10.0.0.0/24", app: "10.0.1.0/24", data: "10.0.2.0/24" };

const e = (ruleNo: number, action: "allow" | "deny", cidrBlock: string, fromPort: number, toPort = fromPort, protocol = "tcp"): NaclEntry => ({ ruleNo, action, protocol, fromPort, toPort, cidrBlock });
export const nacl = e;

/** The hand-worked baseline; see aws.test.ts for its truth table. */
export function baseline(): AwsFixture {
  return {
    sg: {
      edge: {
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "https from anywhere" }],
        egress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: ["sg-app-id"] }],
      },
      app: {
        ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: ["sg-edge-id"] }],
        egress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: [CIDR.data] }],
      },
      data: {
        ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: [CIDR.app] }],
        egress: [],
      },
    },
    nacl: {
      edge: {
        ingress: [e(100, "allow", "0.0.0.0/0", 443), e(110, "allow", "10.0.0.0/16", 1024, 65535)],
        egress: [e(100, "allow", CIDR.app, 8080), e(110, "allow", "0.0.0.0/0", 1024, 65535)],
      },
      app: {
        ingress: [e(100, "allow", CIDR.edge, 8080), e(110, "allow", CIDR.data, 1024, 65535)],
        egress: [e(100, "allow", CIDR.data, 5432), e(110, "allow", CIDR.edge, 1024, 65535)],
      },
      // Allows the request from app but forgets the return traffic: no outbound entry at all.
      data: { ingress: [e(100, "allow", CIDR.app, 5432)], egress: [] },
    },
    routes: {
      edge: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-main-id" }],
      app: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-edge-id" }],
      data: [],
    },
  };
}

/** Materialises the fixture; with `unknownIds`, every id reference is unknown and joined by dependencies. */
export function awsResources(f: AwsFixture, opts: { unknownIds?: boolean } = {}): NetResource[] {
  const u = opts.unknownIds === true;
  const idRef = (type: string, name: string) => (u ? UNKNOWN_STRING : `${name}-id`);
  const out: NetResource[] = [];
  const vpc = res(T.VPC, "main", { cidrBlock: "10.0.0.0/16" });
  out.push(vpc, res(T.IGW, "igw-main", { vpcId: idRef(T.VPC, "main") }, { dependencies: [vpc.urn] }));
  const zones = Object.keys(f.sg);
  for (const z of zones) {
    const sgRefs = (rules: any[]) =>
      rules.map((r) => (r.securityGroups ? { ...r, securityGroups: r.securityGroups.map((s: string) => (u ? UNKNOWN_STRING : s)) } : r));
    const sgDeps = (rules: any[]) => [...new Set(rules.flatMap((r) => (r.securityGroups ?? []).map((s: string) => urnOf(SG, s.replace(/-id$/, "")))))];
    out.push(
      res(SG, `sg-${z}`, { vpcId: idRef(T.VPC, "main"), ingress: sgRefs(f.sg[z].ingress), egress: sgRefs(f.sg[z].egress), tags: { "netseg:zone": z } }, {
        dependencies: [vpc.urn, ...sgDeps(f.sg[z].ingress), ...sgDeps(f.sg[z].egress)],
        propertyDependencies: { ingress: sgDeps(f.sg[z].ingress), egress: sgDeps(f.sg[z].egress), vpcId: [vpc.urn] },
      }),
    );
  }
  for (const z of Object.keys(CIDR).filter((k) => zones.includes(k))) {
    const subnet = res(SUBNET, `subnet-${z}`, { vpcId: idRef(T.VPC, "main"), cidrBlock: CIDR[z], tags: { "netseg:zone": z } }, { dependencies: [vpc.urn], propertyDependencies: { vpcId: [vpc.urn] } });
    out.push(subnet);
    if (f.nacl[z]) {
      out.push(res(NACL, `acl-${z}`, { vpcId: idRef(T.VPC, "main"), subnetIds: [idRef(SUBNET, `subnet-${z}`)], ingress: f.nacl[z].ingress, egress: f.nacl[z].egress }, {
        dependencies: [vpc.urn, subnet.urn],
        propertyDependencies: { subnetIds: [subnet.urn], vpcId: [vpc.urn] },
      }));
    }
    if (f.routes[z]) {
      const gwDeps = f.routes[z].flatMap((r: any) => (r.gatewayId === "igw-main-id" ? [urnOf(T.IGW, "igw-main")] : []));
      const routes = f.routes[z].map((r: any) => (r.gatewayId === "igw-main-id" ? { ...r, gatewayId: idRef(T.IGW, "igw-main") } : r));
      out.push(res(RT, `rt-${z}`, { vpcId: idRef(T.VPC, "main"), routes }, { dependencies: [vpc.urn, ...gwDeps], propertyDependencies: { routes: gwDeps } }));
      out.push(res(T.RTA, `rta-${z}`, { subnetId: idRef(SUBNET, `subnet-${z}`), routeTableId: idRef(RT, `rt-${z}`) }, {
        dependencies: [subnet.urn, urnOf(RT, `rt-${z}`)],
        propertyDependencies: { subnetId: [subnet.urn], routeTableId: [urnOf(RT, `rt-${z}`)] },
      }));
    }
  }
  return [...out, ...(f.extra ?? [])];
}
