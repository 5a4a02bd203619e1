/**
 * The route checks of an AWS path: the source subnet's route table (longest prefix match over
 * the destination's addresses) and, when the chosen route goes to a transit gateway of this
 * stack and the destination is a zone in another VPC, the gateway's own route tables (see
 * ./transit-stage). Traffic inside one VPC takes the local route and needs neither.
 */
import { CidrSet } from "../../net/cidr";
import type { Stage } from "../model";
import { blockStage, passStage, unknownStage } from "../stage";
import { longestPrefix } from "./prefix";
import type { Route, RouteTable, RouteTarget } from "./routes";
import type { TransitModel } from "./transit";
import { transitStage } from "./transit-stage";

export interface RouteSource {
  readonly zone: string;
  readonly rt?: RouteTable;
  readonly vpc?: string;
}

export interface RouteDestination {
  readonly vpc?: string;
  readonly cidrs?: CidrSet;
  readonly name: string;
  readonly internet?: "in" | "out";
  /** Out to the internet from an interface without a public address: only a NAT gateway leads there. */
  readonly natOnly?: boolean;
  readonly peer?: boolean;
  readonly zone?: boolean;
}

/**
 * The route stages for `group` to reach `to`: none inside one VPC, the route table's verdict,
 * and after a route that passes through a transit gateway of this stack towards a zone, the
 * gateway's leg (./transit-stage).
 */
export type RouteStages = readonly Stage[];

const NONE: RouteStages = [];

/** Route kinds that carry traffic towards each kind of destination. */
function wantedFor(to: RouteDestination, back: boolean): readonly RouteTarget[] {
  if (to.internet === "in") return ["igw"];
  if (to.internet === "out") return to.natOnly ? ["nat"] : ["igw", "nat"];
  // Another VPC's private addresses are reached through peering, transit or VPN gateways (or an
  // appliance); a peer network may also be public, reached through the internet gateway. An
  // internet gateway (and a NAT gateway behind it) carries public addresses only, and only for
  // interfaces with a public address (`natOnly`: none; a NAT gateway then serves only
  // connections the interface opens, not replies to ones opened from outside).
  if (to.zone) return ["peering", "tgw", "vgw", "appliance"];
  const viaInternet = !!to.cidrs && !to.cidrs.publicPart().isEmpty();
  const out: RouteTarget[] = ["peering", "tgw", "vgw", "appliance"];
  if (viaInternet && !to.natOnly) out.push("igw");
  if (viaInternet && !(to.natOnly && back)) out.push("nat");
  return out;
}

/** A peering route leads to `to` only when its connection joins the source's VPC and the destination's (no transitive peering). */
function peeringJoins(route: Route, from: RouteSource, to: RouteDestination): boolean {
  if (route.target !== "peering" || !route.peering || from.vpc === undefined || to.vpc === undefined) return true;
  const [a, b] = route.peering.vpcs;
  return (a === from.vpc && b === to.vpc) || (b === from.vpc && a === to.vpc);
}

export function routeStages(transit: TransitModel, group: RouteSource, to: RouteDestination, back = false): RouteStages {
  if (to.vpc !== undefined && group.vpc === to.vpc) return NONE;
  if (!to.internet && to.vpc === undefined && to.cidrs === undefined) return NONE;
  const label = `route table ${group.rt?.name ?? `main (${group.zone})`}${back ? " (return)" : ""}`;
  if (!group.rt) {
    // The main route table of a VPC outside the stack (a literal vpcId) may route anywhere.
    if (group.vpc !== undefined && !group.vpc.startsWith("urn:")) return [unknownStage(label, `the main route table of VPC ${group.vpc} (outside this stack) is not known; associate ${group.zone}'s subnets with a route table of this stack`)];
    return [blockStage(label, `no route to ${to.name} in the main route table of ${group.zone} (local only)`)];
  }
  const rt = group.rt;
  const wanted = wantedFor(to, back);
  const isWanted = (r: Route) => wanted.includes(r.target);
  const maybe = (why: string): RouteStages => [unknownStage(label, why)];
  const unknownWhy = `route to ${to.name} in ${rt.name} depends on values unknown at preview`;
  if (!to.cidrs) return rt.routes.some((r) => isWanted(r) || r.target === "unknown") ? maybe(unknownWhy) : [blockStage(label, `no route to ${to.name} in ${rt.name}`)];

  const { decided, unknown, passing, gateways } = chosenRoutes(rt, to, to.cidrs, group, back);
  if (passing.length) {
    // A route whose destination is unknown may be more specific and send the traffic elsewhere.
    const route = unknown.some((r) => !isWanted(r)) ? unknownStage(label, unknownWhy) : passStage(label, passing[0].route.ref);
    if (!gateways) return [route];
    const certain = gateways.length === 1 && passing.every((d) => d.route.transit!.certain);
    const cidrs = passing.reduce((acc, d) => acc.union(d.part), CidrSet.EMPTY);
    return [route, transitStage(transit, gateways, certain, { vpc: group.vpc, name: group.zone }, { vpc: to.vpc, cidrs, name: to.name }, back)];
  }
  if (decided.some((d) => d.route.target === "unknown") || unknown.some((r) => isWanted(r) || r.target === "unknown")) return maybe(unknownWhy);
  const blackhole = decided.find((d) => d.route.target === "blackhole");
  if (blackhole) return [blockStage(label, `route to ${to.name} in ${rt.name} is a blackhole`, blackhole.route.ref)];
  const misrouted = decided.find((d) => d.route.target === "peering" && !peeringJoins(d.route, group, to));
  if (misrouted) return [blockStage(label, `route to ${to.name} in ${rt.name} goes to peering connection ${misrouted.route.peering!.name}, which joins other VPCs (peering is not transitive)`, misrouted.route.ref)];
  // A peer network is usually reached through routes this stack does not declare (VPN route
  // propagation, a transit gateway run by another team): without one here, it is possible only.
  if (to.peer) return maybe(`no route to ${to.name} in ${rt.name}; it can only come from outside this stack (VPN propagation, transit gateway)`);
  const via = to.internet === "in" ? "an internet gateway (replies to the internet)" : to.internet === "out" ? (to.natOnly ? "a NAT gateway (it has no public address, so an internet gateway does not serve it)" : "an internet or NAT gateway") : "a peering, transit or VPN gateway";
  return [blockStage(label, `no route to ${to.name} through ${via} in ${rt.name}`)];
}

/**
 * The routes of `rt` chosen for `to` (longest prefix), those of a wanted kind, and, when every
 * one of those leads to a transit gateway of this stack towards a zone, the gateways.
 */
function chosenRoutes(rt: RouteTable, to: RouteDestination, cidrs: CidrSet, from?: RouteSource, back = false) {
  const wanted = wantedFor(to, back);
  const { decided, unknown } = longestPrefix(rt.routes, cidrs);
  const passing = decided.filter((d) => wanted.includes(d.route.target) && (!from || peeringJoins(d.route, from, to)));
  const viaTransit = to.zone && passing.length > 0 && passing.every((d) => d.route.transit);
  const gateways = viaTransit ? [...new Set(passing.flatMap((d) => d.route.transit!.urns))].sort() : undefined;
  return { decided, unknown, passing, gateways };
}

/**
 * The transit gateway of this stack a route to the zone `to` goes through, when it is one for
 * sure (the chosen routes all lead to that one gateway, no route of unknown destination may be
 * more specific), else undefined: inside one VPC, through anything else, or unknown.
 */
export function transitGatewayOf(group: RouteSource, to: RouteDestination): string | undefined {
  if (!group.rt || !to.cidrs || (to.vpc !== undefined && group.vpc === to.vpc)) return undefined;
  const { unknown, gateways } = chosenRoutes(group.rt, to, to.cidrs, group);
  return !unknown.length && gateways?.length === 1 ? gateways[0] : undefined;
}
