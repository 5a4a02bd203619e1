/**
 * Two tenant VPCs and a shared-services VPC behind one transit gateway, written by hand as
 * TenantVpcs lays them out: default association and propagation off, one TGW route table per
 * attachment, the tenants' tables routing shared services and blackholing the pool, the shared
 * table routing each tenant's block back. Security groups and NACLs let all private traffic
 * through, and every subnet sends all of 10.0.0.0/8 to the gateway, so the TGW tables alone
 * decide who reaches whom. With `unknownIds`, every id reference is Pulumi's unknown sentinel,
 * joined by (property) dependencies as at a first preview.
 */
import type { NetResource } from "../../../core/reachability";
import { res, UNKNOWN_STRING, urnOf } from "./build";

export const TGW = {
  VPC: "aws:ec2/vpc:Vpc",
  SUBNET: "aws:ec2/subnet:Subnet",
  SG: "aws:ec2/securityGroup:SecurityGroup",
  RT: "aws:ec2/routeTable:RouteTable",
  RTA: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  ROUTE: "aws:ec2/route:Route",
  GATEWAY: "aws:ec2transitgateway/transitGateway:TransitGateway",
  ATTACHMENT: "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
  TABLE: "aws:ec2transitgateway/routeTable:RouteTable",
  ASSOCIATION: "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
  PROPAGATION: "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation",
  TGW_ROUTE: "aws:ec2transitgateway/route:Route",
} as const;

export const BLOCK = { a: "10.128.0.0/20", b: "10.128.16.0/20", shared: "10.64.0.0/20" } as const;
export const POOL = "10.128.0.0/12";
/** Where each attachment's network interfaces live (untagged: no zone). */
const TRANSIT = { a: "10.128.15.0/28", b: "10.128.31.0/28", shared: "10.64.15.0/28" } as const;
export type Vpc = keyof typeof BLOCK;
export const VPCS: readonly Vpc[] = ["a", "b", "shared"];

export interface TgwRouteSpec {
  readonly table: Vpc;
  readonly dest: string;
  /** The attachment it sends to, or a blackhole. */
  readonly to: Vpc | "blackhole";
}

export interface TransitFixture {
  /** The gateway's default association and propagation (TenantVpcs turns both off). */
  defaults: boolean;
  /** Attachments with an explicit association to their own table. */
  associated: Vpc[];
  /** Static TGW routes. */
  routes: TgwRouteSpec[];
  /** Propagations: the attachment `from` propagates its VPC block into `table`. */
  propagations: { table: Vpc; from: Vpc }[];
  /** Extra routes in a VPC's subnet route table, e.g. a blackhole. */
  vpcRoutes: { vpc: Vpc; dest: string; blackhole?: boolean }[];
}

export function tenantFleet(): TransitFixture {
  return {
    defaults: false,
    associated: ["a", "b", "shared"],
    routes: [
      { table: "a", dest: BLOCK.shared, to: "shared" },
      { table: "a", dest: POOL, to: "blackhole" },
      { table: "b", dest: BLOCK.shared, to: "shared" },
      { table: "b", dest: POOL, to: "blackhole" },
      { table: "shared", dest: BLOCK.a, to: "a" },
      { table: "shared", dest: BLOCK.b, to: "b" },
    ],
    propagations: [],
    vpcRoutes: [],
  };
}

/** The route's resource name, stable per (table, destination owner). */
export function tgwRouteName(r: TgwRouteSpec): string {
  return `rt-${r.table}-${r.to === "blackhole" ? `blackhole-${r.dest}` : `to-${r.to}-${r.dest}`}`;
}

export function transitResources(f: TransitFixture, opts: { unknownIds?: boolean } = {}): NetResource[] {
  const u = opts.unknownIds === true;
  type Target = { readonly type: string; readonly name: string };
  /** Props with references (one, or a list) as ids, or the unknown sentinel joined by a property dependency. */
  const make = (type: string, name: string, props: Record<string, unknown>, refs: Record<string, Target | Target[] | undefined>): NetResource => {
    const propertyDependencies: Record<string, string[]> = {};
    const all: Record<string, unknown> = { ...props };
    for (const [prop, target] of Object.entries(refs)) {
      if (!target) continue;
      const list = Array.isArray(target) ? target : [target];
      const ids = list.map((t) => (u ? UNKNOWN_STRING : `${t.name}-id`));
      all[prop] = Array.isArray(target) ? ids : ids[0];
      propertyDependencies[prop] = list.map((t) => urnOf(t.type, t.name));
    }
    return res(type, name, all, { dependencies: [...new Set(Object.values(propertyDependencies).flat())].sort(), propertyDependencies });
  };
  const out: NetResource[] = [];
  const flag = f.defaults ? "enable" : "disable";
  out.push(res(TGW.GATEWAY, "tgw", { defaultRouteTableAssociation: flag, defaultRouteTablePropagation: flag }));
  const tgw = { type: TGW.GATEWAY, name: "tgw" };
  for (const v of VPCS) {
    const tags = v === "shared" ? { "netseg:zone": "services" } : { "netseg:zone": "app", "netseg:tenant": v };
    const vpc = { type: TGW.VPC, name: `vpc-${v}` };
    out.push(res(TGW.VPC, `vpc-${v}`, { cidrBlock: BLOCK[v] }));
    out.push(make(TGW.SUBNET, `subnet-${v}`, { cidrBlock: BLOCK[v].replace(/\/20$/, "/24"), tags }, { vpcId: vpc }));
    out.push(make(TGW.SUBNET, `transit-${v}`, { cidrBlock: TRANSIT[v] }, { vpcId: vpc }));
    const all = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8"] }];
    out.push(make(TGW.SG, `sg-${v}`, { ingress: all, egress: all, tags }, { vpcId: vpc }));
    out.push(make(TGW.RT, `rt-${v}`, {}, { vpcId: vpc }));
    const rt = { type: TGW.RT, name: `rt-${v}` };
    out.push(make(TGW.RTA, `rta-${v}`, {}, { subnetId: { type: TGW.SUBNET, name: `subnet-${v}` }, routeTableId: rt }));
    out.push(make(TGW.ROUTE, `route-${v}-to-tgw`, { destinationCidrBlock: "10.0.0.0/8" }, { routeTableId: rt, transitGatewayId: tgw }));
    const transitSubnet = { type: TGW.SUBNET, name: `transit-${v}` };
    const defaults = { transitGatewayDefaultRouteTableAssociation: f.defaults, transitGatewayDefaultRouteTablePropagation: f.defaults };
    out.push(make(TGW.ATTACHMENT, `att-${v}`, defaults, { vpcId: vpc, transitGatewayId: tgw, subnetIds: [transitSubnet] }));
    out.push(make(TGW.TABLE, `tgw-rt-${v}`, {}, { transitGatewayId: tgw }));
  }
  const table = (v: Vpc) => ({ type: TGW.TABLE, name: `tgw-rt-${v}` });
  const attachment = (v: Vpc) => ({ type: TGW.ATTACHMENT, name: `att-${v}` });
  for (const v of f.associated) out.push(make(TGW.ASSOCIATION, `assoc-${v}`, {}, { transitGatewayAttachmentId: attachment(v), transitGatewayRouteTableId: table(v) }));
  for (const p of f.propagations) out.push(make(TGW.PROPAGATION, `prop-${p.from}-into-${p.table}`, {}, { transitGatewayAttachmentId: attachment(p.from), transitGatewayRouteTableId: table(p.table) }));
  for (const r of f.routes) {
    const target = r.to === "blackhole" ? undefined : attachment(r.to);
    out.push(make(TGW.TGW_ROUTE, tgwRouteName(r), { destinationCidrBlock: r.dest, ...(r.to === "blackhole" ? { blackhole: true } : {}) }, { transitGatewayRouteTableId: table(r.table), transitGatewayAttachmentId: target }));
  }
  for (const r of f.vpcRoutes) {
    const target = r.blackhole ? undefined : tgw;
    out.push(make(TGW.ROUTE, `route-${r.vpc}-${r.dest}`, { destinationCidrBlock: r.dest }, { routeTableId: { type: TGW.RT, name: `rt-${r.vpc}` }, transitGatewayId: target }));
  }
  return out;
}
