/**
 * A small AWS stack as plain data (the soundness test's generator fills it in), its readable
 * form for a failing case, and the resources a preview would record for it. VPC `v` is
 * 10.v.0.0/16; with two VPCs, one peering connection joins them; each VPC has an internet gateway.
 */
import type { NetResource } from "../../../../core/reachability";
import { res } from "../build";
import type { PortRule } from "./traffic";

export const AWS_TYPES = {
  vpc: "aws:ec2/vpc:Vpc",
  igw: "aws:ec2/internetGateway:InternetGateway",
  peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  subnet: "aws:ec2/subnet:Subnet",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  nacl: "aws:ec2/networkAcl:NetworkAcl",
  rt: "aws:ec2/routeTable:RouteTable",
  rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  instance: "aws:ec2/instance:Instance",
} as const;

export interface SgRuleSpec extends PortRule {
  readonly cidrs: readonly string[];
  /** Names of the security groups the rule references. */
  readonly groups: readonly string[];
  readonly self: boolean;
}

export interface SgSpec {
  readonly name: string;
  readonly vpc: number;
  /** The `netseg:zone` tag; without one the group belongs to the untagged subnets of its VPC. */
  readonly zone?: string;
  readonly ingress: readonly SgRuleSpec[];
  readonly egress: readonly SgRuleSpec[];
}

export interface NaclEntrySpec extends PortRule {
  readonly ruleNo: number;
  readonly action: "allow" | "deny";
  readonly cidr: string;
}

export interface NaclSpec {
  readonly name: string;
  readonly vpc: number;
  readonly ingress: readonly NaclEntrySpec[];
  readonly egress: readonly NaclEntrySpec[];
}

export type RouteTargetSpec = "igw" | "nat" | "pcx";

export interface RouteTableSpec {
  readonly name: string;
  readonly vpc: number;
  readonly routes: readonly { readonly cidr: string; readonly target: RouteTargetSpec }[];
}

export interface SubnetSpec {
  readonly name: string;
  readonly vpc: number;
  readonly cidr: string;
  readonly zone?: string;
  /** The NACL associated (by name); none: the VPC's default NACL, which allows everything. */
  readonly nacl?: string;
  /** The route table associated (by name); none: the main route table, local routes only. */
  readonly rt?: string;
}

/** An EC2 instance with a fixed private address in a subnet, with its own groups (none: the VPC's default group). */
export interface InstanceSpec {
  readonly name: string;
  readonly subnet: string;
  readonly ip: string;
  readonly sgs: readonly string[];
  /** `associatePublicIpAddress`. */
  readonly publicIp: boolean;
}

export interface AwsSpec {
  readonly vpcs: number;
  readonly subnets: readonly SubnetSpec[];
  readonly sgs: readonly SgSpec[];
  readonly nacls: readonly NaclSpec[];
  readonly rts: readonly RouteTableSpec[];
  readonly instances: readonly InstanceSpec[];
}

export const vpcCidr = (v: number) => `10.${v}.0.0/16`;

function ports(r: PortRule): string {
  if (r.protocol === "-1") return "all";
  if (r.protocol === "icmp") return "icmp";
  return r.fromPort === r.toPort ? `${r.protocol}/${r.fromPort}` : `${r.protocol}/${r.fromPort}-${r.toPort}`;
}

function sgRuleText(r: SgRuleSpec): string {
  const peers = [...r.cidrs, ...r.groups.map((g) => `sg ${g}`), ...(r.self ? ["self"] : [])];
  return `${ports(r)} ${peers.join(" | ") || "(no peer)"}`;
}

/** The stack as lines a person can check by hand. */
export function describeAws(spec: AwsSpec): string {
  const lines = [`${spec.vpcs} VPC(s): ${Array.from({ length: spec.vpcs }, (_, v) => vpcCidr(v)).join(", ")}${spec.vpcs > 1 ? " (peered by pcx)" : ""}`];
  for (const s of spec.subnets) lines.push(`subnet ${s.name} vpc${s.vpc} ${s.cidr} zone=${s.zone ?? "-"} nacl=${s.nacl ?? "default (allow all)"} rt=${s.rt ?? "main (local)"}`);
  for (const g of spec.sgs) {
    lines.push(`sg ${g.name} vpc${g.vpc} zone=${g.zone ?? "-"}`);
    for (const r of g.ingress) lines.push(`  in  ${sgRuleText(r)}`);
    for (const r of g.egress) lines.push(`  out ${sgRuleText(r)}`);
  }
  for (const n of spec.nacls) {
    lines.push(`nacl ${n.name} vpc${n.vpc}`);
    for (const [dir, es] of [["in ", n.ingress], ["out", n.egress]] as const) {
      for (const e of [...es].sort((a, b) => a.ruleNo - b.ruleNo)) lines.push(`  ${dir} ${e.ruleNo} ${e.action} ${ports(e)} ${e.cidr}`);
    }
  }
  for (const t of spec.rts) lines.push(`rt ${t.name} vpc${t.vpc}: ${t.routes.map((r) => `${r.cidr} -> ${r.target}`).join(", ") || "(local only)"}`);
  for (const i of spec.instances) lines.push(`instance ${i.name} in ${i.subnet} at ${i.ip} sgs=${i.sgs.join(",") || "(the VPC's default group)"}${i.publicIp ? " with a public IP" : ""}`);
  return lines.join("\n");
}

const id = (name: string) => `${name}-id`;

function sgRule(r: SgRuleSpec): Record<string, unknown> {
  return {
    protocol: r.protocol,
    fromPort: r.fromPort,
    toPort: r.toPort,
    ...(r.cidrs.length ? { cidrBlocks: [...r.cidrs] } : {}),
    ...(r.groups.length ? { securityGroups: r.groups.map(id) } : {}),
    ...(r.self ? { self: true } : {}),
  };
}

function naclEntry(e: NaclEntrySpec): Record<string, unknown> {
  return { ruleNo: e.ruleNo, action: e.action, protocol: e.protocol, fromPort: e.fromPort, toPort: e.toPort, cidrBlock: e.cidr };
}

/** The resources a preview records for the stack, with ids known (references are literal ids). */
export function awsStackResources(spec: AwsSpec): NetResource[] {
  const out: NetResource[] = [];
  for (let v = 0; v < spec.vpcs; v++) {
    out.push(res(AWS_TYPES.vpc, `vpc${v}`, { cidrBlock: vpcCidr(v) }));
    out.push(res(AWS_TYPES.igw, `igw${v}`, { vpcId: id(`vpc${v}`) }));
  }
  if (spec.vpcs > 1) out.push(res(AWS_TYPES.peering, "pcx", { vpcId: id("vpc0"), peerVpcId: id("vpc1"), autoAccept: true }));
  for (const s of spec.subnets) {
    out.push(res(AWS_TYPES.subnet, s.name, { vpcId: id(`vpc${s.vpc}`), cidrBlock: s.cidr, ...(s.zone ? { tags: { "netseg:zone": s.zone } } : {}) }));
  }
  for (const g of spec.sgs) {
    out.push(res(AWS_TYPES.sg, g.name, { vpcId: id(`vpc${g.vpc}`), ingress: g.ingress.map(sgRule), egress: g.egress.map(sgRule), ...(g.zone ? { tags: { "netseg:zone": g.zone } } : {}) }));
  }
  for (const n of spec.nacls) {
    const subnetIds = spec.subnets.filter((s) => s.nacl === n.name).map((s) => id(s.name));
    out.push(res(AWS_TYPES.nacl, n.name, { vpcId: id(`vpc${n.vpc}`), subnetIds, ingress: n.ingress.map(naclEntry), egress: n.egress.map(naclEntry) }));
  }
  for (const t of spec.rts) {
    const routes = t.routes.map((r) =>
      r.target === "igw" ? { cidrBlock: r.cidr, gatewayId: id(`igw${t.vpc}`) } : r.target === "nat" ? { cidrBlock: r.cidr, natGatewayId: `nat-${t.vpc}` } : { cidrBlock: r.cidr, vpcPeeringConnectionId: id("pcx") },
    );
    out.push(res(AWS_TYPES.rt, t.name, { vpcId: id(`vpc${t.vpc}`), routes }));
  }
  for (const s of spec.subnets) if (s.rt) out.push(res(AWS_TYPES.rta, `rta-${s.name}`, { subnetId: id(s.name), routeTableId: id(s.rt) }));
  for (const i of spec.instances) {
    out.push(res(AWS_TYPES.instance, i.name, { ami: "ami-12345678", instanceType: "t3.micro", subnetId: id(i.subnet), privateIp: i.ip, vpcSecurityGroupIds: i.sgs.map(id), associatePublicIpAddress: i.publicIp }));
  }
  return out;
}
