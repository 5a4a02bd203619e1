/**
 * AWS route tables: inline routes and standalone Route resources, each classified by what it
 * points at (internet or NAT gateway, peering, transit or VPN gateway, an appliance, nothing at
 * all: a blackhole), and the subnets associated with each table.
 */
import type { CidrSet } from "../../net/cidr";
import { propsOf, displayName, type ResourceGraph } from "../graph";
import type { NetResource, RuleRef } from "../model";
import { arr, rec, UNKNOWN } from "../values";
import { cidrsOf, ref } from "./common";
import type { Subnet } from "./model";
import { AWS, RT_TYPES } from "./types";

export type RouteTarget = "local" | "igw" | "nat" | "peering" | "tgw" | "vgw" | "appliance" | "blackhole" | "unknown";

export interface Route {
  readonly ref: RuleRef;
  readonly dest: CidrSet;
  readonly destUnknown: boolean;
  readonly target: RouteTarget;
  /** For a route to a transit gateway of this stack: the gateway(s) it may name. */
  readonly transit?: { readonly urns: readonly string[]; readonly certain: boolean };
  /**
   * For a route to a peering connection of this stack whose two VPCs are known: them (VPC urns
   * or literal ids). A connection joins its own two VPCs only (AWS peering is not transitive).
   */
  readonly peering?: { readonly name: string; readonly vpcs: readonly [string, string] };
}

export interface RouteTable {
  readonly urn: string;
  readonly name: string;
  readonly routes: Route[];
}

const TARGET_FIELDS: [string, RouteTarget][] = [
  ["natGatewayId", "nat"], ["transitGatewayId", "tgw"], ["vpcPeeringConnectionId", "peering"], ["egressOnlyGatewayId", "igw"],
  ["networkInterfaceId", "appliance"], ["vpcEndpointId", "appliance"], ["localGatewayId", "appliance"], ["carrierGatewayId", "igw"], ["coreNetworkArn", "tgw"],
];

function routeTarget(g: ResourceGraph, r: NetResource, prop: string, route: Record<string, unknown>): RouteTarget {
  for (const [field, kind] of TARGET_FIELDS) if (route[field] !== undefined && route[field] !== null && route[field] !== "") return kind;
  const gw = route.gatewayId;
  if (gw === undefined || gw === null || gw === "") return "blackhole";
  if (gw === "local") return "local";
  const res = g.resolve(r, prop, gw, [AWS.igw, AWS.vgw, AWS.eigw]);
  if (!res) return "blackhole";
  if ("literal" in res) {
    const l = res.literal;
    return l === "local" ? "local" : l.startsWith("igw-") ? "igw" : l.startsWith("vgw-") ? "vgw" : "unknown";
  }
  const types = new Set(res.urns.map((u) => g.byUrn.get(u)!.type));
  if (types.size !== 1) return "unknown";
  return types.has(AWS.vgw) ? "vgw" : "igw";
}

/** The two VPCs of the peering connection a route names, when the connection is this stack's and both are known. */
function peeringOf(g: ResourceGraph, r: NetResource, prop: string, value: unknown): Route["peering"] {
  const res = g.resolve(r, prop, value, [AWS.peering]);
  if (!res || "literal" in res || res.urns.length !== 1 || !res.certain) return undefined;
  const pcx = g.byUrn.get(res.urns[0])!;
  const p = propsOf(pcx);
  const vpc = (field: string) => {
    const v = g.resolve(pcx, field, p[field], [AWS.vpc]);
    return !v ? undefined : "literal" in v ? v.literal : v.urns.length === 1 && v.certain ? v.urns[0] : undefined;
  };
  const [a, b] = [vpc("vpcId"), vpc("peerVpcId")];
  return a !== undefined && b !== undefined ? { name: displayName(pcx), vpcs: [a, b] } : undefined;
}

/** The stack's transit gateway(s) a route's `transitGatewayId` names; undefined for one outside the stack. */
function transitOf(g: ResourceGraph, r: NetResource, prop: string, route: Record<string, unknown>): Route["transit"] {
  if (route.transitGatewayId === undefined || route.transitGatewayId === null || route.transitGatewayId === "") return undefined;
  const res = g.resolve(r, prop, route.transitGatewayId, [AWS.tgw]);
  if (!res || "literal" in res || !res.urns.length) return undefined;
  return { urns: res.urns, certain: res.certain && res.urns.length === 1 };
}

export function readRouteTables(g: ResourceGraph, subnets: Map<string, Subnet>): Map<string, RouteTable> {
  const tables = new Map<string, RouteTable>();
  for (const r of g.ofType(...RT_TYPES)) {
    const routes = arr(propsOf(r).routes);
    const t: RouteTable = { urn: r.urn, name: displayName(r), routes: [] };
    (routes === UNKNOWN ? [] : routes ?? []).forEach((x, i) => {
      const route = rec(x);
      if (!route || route === UNKNOWN) return;
      const c = cidrsOf(route.cidrBlock, route.ipv6CidrBlock);
      const target = routeTarget(g, r, "routes", route as Record<string, unknown>);
      const transit = target === "tgw" ? transitOf(g, r, "routes", route as Record<string, unknown>) : undefined;
      const peering = target === "peering" ? peeringOf(g, r, "routes", route.vpcPeeringConnectionId) : undefined;
      t.routes.push({ ref: ref(r, `routes[${i}] ${c.set}`), dest: c.set, destUnknown: c.unknown, target, ...(transit ? { transit } : {}), ...(peering ? { peering } : {}) });
    });
    tables.set(r.urn, t);
  }
  for (const r of g.ofType(AWS.route)) {
    const p = propsOf(r);
    const owner = g.resolve(r, "routeTableId", p.routeTableId, RT_TYPES);
    if (!owner || "literal" in owner || !owner.urns.length) continue;
    const c = cidrsOf(p.destinationCidrBlock, p.destinationIpv6CidrBlock);
    // Several candidate tables: the route may be in any of them, an "unknown" target in each.
    const target = owner.urns.length === 1 ? routeTarget(g, r, "gatewayId", p) : "unknown";
    const transit = target === "tgw" ? transitOf(g, r, "transitGatewayId", p) : undefined;
    const peering = target === "peering" ? peeringOf(g, r, "vpcPeeringConnectionId", p.vpcPeeringConnectionId) : undefined;
    for (const u of owner.urns) tables.get(u)!.routes.push({ ref: ref(r, `route ${c.set}`), dest: c.set, destUnknown: c.unknown, target, ...(transit ? { transit } : {}), ...(peering ? { peering } : {}) });
  }
  for (const r of g.ofType(AWS.rtAssoc)) {
    const p = propsOf(r);
    const owner = g.resolve(r, "routeTableId", p.routeTableId, RT_TYPES);
    const s = g.resolve(r, "subnetId", p.subnetId, [AWS.subnet]);
    if (!owner || "literal" in owner || owner.urns.length !== 1 || !s || "literal" in s) continue;
    for (const u of s.urns) subnets.get(u)!.routeTable = tables.get(owner.urns[0]);
  }
  return tables;
}

