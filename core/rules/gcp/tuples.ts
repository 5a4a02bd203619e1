/**
 * The flows a GCP plan actually lets through, read back from the fields its firewall rules
 * are deployed with (targets, source identities, source and destination ranges), not from the
 * rules that produced them, as the tuples every platform is compared with (intentFlowTuples).
 *
 * Ranges are decoded into endpoints as sets: the whole IPv4 space is the internet, a zone's
 * subnets are that zone, and ranges inside exactly one peer's blocks are that peer. A flow
 * between two zones passes only where the source's egress rule and the destination's ingress
 * rule both allow it, so the tuples are the intersection of the two; traffic from the
 * internet or a peer needs only the ingress side, traffic to them only the egress side. Allow
 * rules count only if they win over the deny-all; egress-proxy rules are plumbing, not flows.
 */
import { CidrSet } from "../../net/cidr";
import { TrafficSet } from "../../net/ports";
import { sortTuples, type FlowTuple } from "../neutral";
import { portSpecsOf } from "./firewall";
import { GCP_PRIORITY, type GcpFirewallRulePlan, type GcpZonePlan } from "./types";

export interface TupleContext {
  readonly zones: readonly Pick<GcpZonePlan, "name" | "subnets">[];
  readonly peers: readonly { readonly name: string; readonly cidrs: readonly string[] }[];
  /** The ranges the plan names the internet by (the internet minus the network's own ranges); the whole IPv4 space is the internet too. */
  readonly internet?: readonly string[];
}

function rangeDecoder(ctx: TupleContext): (ranges: readonly string[]) => string | undefined {
  const zones = ctx.zones.map((z) => ({ name: z.name, set: CidrSet.fromCidrs(z.subnets.map((s) => s.cidr)) }));
  const peers = ctx.peers.map((p) => ({ name: p.name, set: CidrSet.fromCidrs(p.cidrs) }));
  const internet = ctx.internet ? CidrSet.fromCidrs(ctx.internet) : undefined;
  return (ranges) => {
    if (ranges.length === 0) return undefined;
    const set = CidrSet.fromCidrs(ranges);
    if (set.equals(CidrSet.WORLD_V4) || (internet && !internet.isEmpty() && set.equals(internet))) return "internet";
    const zone = zones.find((z) => z.set.equals(set));
    if (zone) return zone.name;
    const covering = peers.filter((p) => p.set.covers(set));
    return covering.length === 1 ? covering[0].name : undefined;
  };
}

export function gcpFlowTuples(rules: readonly GcpFirewallRulePlan[], ctx: TupleContext): FlowTuple[] {
  const decode = rangeDecoder(ctx);
  const zoneNames = new Set(ctx.zones.map((z) => z.name));
  const sides = { INGRESS: new Map<string, TrafficSet>(), EGRESS: new Map<string, TrafficSet>() };
  const pairs = new Map<string, { from: string; to: string }>();
  const add = (direction: "INGRESS" | "EGRESS", from: string, to: string, t: TrafficSet) => {
    const id = `${from}\u0000${to}`;
    sides[direction].set(id, (sides[direction].get(id) ?? TrafficSet.EMPTY).union(t));
    pairs.set(id, { from, to });
  };
  for (const r of rules) {
    if (r.kind === "egress-proxy" || r.action !== "allow" || r.priority >= GCP_PRIORITY.denyAll) continue;
    const traffic = TrafficSet.fromSpecs(portSpecsOf(r.protocols));
    if (r.direction === "INGRESS") {
      const sources = [...r.sourceZones, ...[decode(r.sourceRanges)].filter((x): x is string => x !== undefined)];
      for (const to of r.targetZones) for (const from of sources) add("INGRESS", from, to, traffic);
    } else {
      const to = decode(r.destinationRanges);
      if (to !== undefined) for (const from of r.targetZones) add("EGRESS", from, to, traffic);
    }
  }
  const out: FlowTuple[] = [];
  for (const [id, { from, to }] of pairs) {
    let traffic = TrafficSet.ALL;
    if (zoneNames.has(from)) traffic = traffic.intersect(sides.EGRESS.get(id) ?? TrafficSet.EMPTY);
    if (zoneNames.has(to)) traffic = traffic.intersect(sides.INGRESS.get(id) ?? TrafficSet.EMPTY);
    for (const p of traffic.toSpecs()) out.push({ from, to, protocol: p.protocol, fromPort: p.from, toPort: p.to });
  }
  return sortTuples(out);
}
