/**
 * Neutral rules -> NACL entries, one NACL per managed zone (shared by the zone's subnets).
 *
 * NACLs are stateless, so each allowed flow needs four entries across two NACLs: at the
 * source, the request out and the return in on ephemeral ports; at the destination, the
 * request in and the return out. Traffic between a zone's own subnets is allowed whole (the
 * zone's security group is the fine filter inside a zone). The zone hosting NAT gateways also
 * carries the transit of every zone that reaches the internet through them. Peers are named by
 * address block (a zone by its whole block, which its future AZs fall into too), blocks with
 * equal ports are merged, and an explicit deny closes each direction. Admin ports that an
 * internet-wide allow (return traffic) would open are denied from the internet first.
 *
 * A zone with an internet-bound allow (a flow from or to the internet, NAT transit, a transparent
 * firewall on the internet route addressed as `0.0.0.0/0`) gets deny entries for the deployment's
 * own ranges (the address space, the tenants' blocks) in front of its broad allows, both ways:
 * traffic to those ranges takes the local or tenant routes, so "the internet on 443" must not
 * include them.
 * What the zone's own flows allow inside those ranges is numbered before the denies.
 */
import { CidrSet, cidr as parseBlock, type Cidr } from "../../net/cidr";
import { EPHEMERAL, PROTOCOLS, TrafficSet, formatPortSpec, type PortSpec } from "../../net/ports";
import { INTERNET_CIDRS, INTERNET_PEER, type NeutralRule } from "../neutral";
import { internetAdminDenies } from "./admin-ports";
import { zonesNeedingNat, type PlanContext } from "./context";
import type { AwsProtocol, NaclEntry, NaclPlan, NaclPurpose } from "./types";

/** The explicit final deny sits just below AWS's implicit `*` rule. */
export const FINAL_DENY_RULE_NUMBER = 32766;
export const FIRST_RULE_NUMBER = 100;
export const RULE_NUMBER_STEP = 10;
/**
 * Numbers 1-99 lie below every entry netseg plans (from FIRST_RULE_NUMBER): they are reserved for
 * the quarantine's denies, so that adding or lifting a quarantine renumbers nothing. AWS evaluates
 * entries in rule-number order and the first match decides, so these beat every allow.
 */
export const QUARANTINE_RULE_NUMBERS = { ipv4: 1, ipv6: 2 } as const;

const PROTOCOL_NUMBER: Record<AwsProtocol, string> = { tcp: "6", udp: "17", icmp: "1", "132": "132", "-1": "-1" };

interface Item {
  readonly cidrs: readonly string[];
  readonly traffic: TrafficSet;
  readonly purpose: NaclPurpose;
  readonly reason: string;
  /** The block stands for the internet (or an internet-bound proxy), not for a peer inside. */
  readonly internetBound?: boolean;
}

/** Blocks sharing the same ports; each block keeps its own reasons for the printed plan. */
interface Group {
  traffic: TrafficSet;
  readonly members: Map<string, { purposes: Set<NaclPurpose>; reasons: Set<string> }>;
}

/**
 * What comes back through a stateless filter: tcp/udp on ephemeral ports, icmp, or all. SCTP
 * replies go to the client's port like TCP's, but an AWS NACL entry for SCTP matches every
 * port, so its return entry is every SCTP port.
 */
export function returnTraffic(ports: TrafficSet): TrafficSet {
  const specs: PortSpec[] = [];
  for (const p of PROTOCOLS) {
    if (ports.ports(p).isEmpty()) continue;
    specs.push(p === "icmp" || p === "sctp" ? { protocol: p, from: 0, to: 65535 } : { protocol: p, from: EPHEMERAL.from, to: EPHEMERAL.to });
  }
  return TrafficSet.fromSpecs(specs);
}

function peerCidrs(ctx: PlanContext, r: NeutralRule): readonly string[] | undefined {
  switch (r.peer.kind) {
    case "zone":
      return r.peer.zone === r.zone ? undefined : [ctx.zoneBlock.get(r.peer.zone)!];
    case "cidrs":
      return r.peer.cidrs;
    case "proxy":
      return ctx.proxy.cidrs;
  }
}

function peerName(r: NeutralRule): string {
  return r.peer.kind === "zone" ? r.peer.zone : r.peer.kind === "cidrs" ? r.peer.name : "egress proxy";
}

/** Merges items: same block -> ports joined; then same ports -> blocks joined. */
function mergeItems(items: readonly Item[]): Group[] {
  const byCidr = new Map<string, Group>();
  for (const it of items) {
    for (const block of it.cidrs) {
      const g = byCidr.get(block) ?? { traffic: TrafficSet.EMPTY, members: new Map([[block, { purposes: new Set<NaclPurpose>(), reasons: new Set<string>() }]]) };
      g.traffic = g.traffic.union(it.traffic);
      g.members.get(block)!.purposes.add(it.purpose);
      g.members.get(block)!.reasons.add(it.reason);
      byCidr.set(block, g);
    }
  }
  const byTraffic = new Map<string, Group>();
  for (const g of byCidr.values()) {
    const k = g.traffic.toString();
    const h = byTraffic.get(k);
    if (!h) byTraffic.set(k, { traffic: g.traffic, members: new Map(g.members) });
    else g.members.forEach((m, block) => h.members.set(block, m));
  }
  return [...byTraffic.values()];
}

const PROTOCOL_ORDER: Record<AwsProtocol, number> = { "-1": 0, tcp: 1, udp: 2, icmp: 3, "132": 4 };

/** Entries of one direction, merged, most specific block first, numbered from 100 in steps of 10. */
function entriesFor(direction: "ingress" | "egress", items: readonly Item[], ownRanges?: CidrSet): NaclEntry[] {
  const unnumbered = new Map<string, Omit<NaclEntry, "ruleNumber">>();
  for (const g of mergeItems(items)) {
    for (const block of CidrSet.fromCidrs([...g.members.keys()]).toCidrs()) {
      const inBlock = CidrSet.fromCidrs([block]);
      const members = [...g.members].filter(([b]) => inBlock.overlaps(CidrSet.fromCidrs([b]))).map(([, m]) => m);
      const purposes = members.flatMap((m) => [...m.purposes]);
      const reasons = members.flatMap((m) => [...m.reasons]);
      for (const spec of g.traffic.toSpecs()) {
        addAllow(unnumbered, direction, block, spec, purposes, reasons);
      }
    }
  }
  const sorted = [...unnumbered.values()].sort((a, b) => {
    const ca = parseBlock(a.cidr);
    const cb = parseBlock(b.cidr);
    if (ca.family !== cb.family) return ca.family - cb.family;
    // Most specific block first: a broad entry (the internet's return traffic) numbered before a
    // narrow one would shadow it, and the narrow entry would never be the one that matches.
    if (ca.prefix !== cb.prefix) return cb.prefix - ca.prefix;
    if (ca.start !== cb.start) return ca.start < cb.start ? -1 : 1;
    return PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol] || a.fromPort - b.fromPort;
  });
  const withAdmin = direction === "ingress" ? withAdminDenies(sorted, items) : sorted;
  const withDenies = ownRanges ? withOwnRangeDenies(direction, withAdmin, items, ownRanges) : withAdmin;
  const entries: NaclEntry[] = withDenies.map((e, i) => ({ ruleNumber: FIRST_RULE_NUMBER + RULE_NUMBER_STEP * i, ...e }));
  const deny = (cidr: string, ipv6: boolean, ruleNumber: number): NaclEntry => ({ ruleNumber, direction, action: "deny", protocol: "-1", protocolNumber: "-1", cidr, ipv6, fromPort: 0, toPort: 0, purposes: ["final-deny"], reasons: ["everything not allowed above"] });
  if (entries.some((e) => e.ipv6)) entries.push(deny("::/0", true, FINAL_DENY_RULE_NUMBER - 1));
  entries.push(deny("0.0.0.0/0", false, FINAL_DENY_RULE_NUMBER));
  return entries;
}

function isWorld(block: string): boolean {
  return parseBlock(block).prefix === 0;
}

/**
 * Inserts deny entries for the admin ports the internet-wide allows would open (see
 * admin-ports.ts), just before the first internet-wide entry of their address family: after
 * every narrower allow (a peer's block may be meant to reach an admin port), before the broad one.
 */
function withAdminDenies(sorted: readonly Omit<NaclEntry, "ruleNumber">[], items: readonly Item[]): Omit<NaclEntry, "ruleNumber">[] {
  const out = [...sorted];
  for (const family of [4, 6]) {
    const world = out.findIndex((e) => e.action === "allow" && parseBlock(e.cidr).family === family && isWorld(e.cidr));
    if (world < 0) continue;
    const allowed = TrafficSet.fromSpecs(out.filter((e) => e.action === "allow" && parseBlock(e.cidr).family === family && isWorld(e.cidr)).map(specOf));
    const requested = TrafficSet.fromSpecs(items.filter((it) => it.purpose === "request" && it.cidrs.some((c) => parseBlock(c).family === family && isWorld(c))).flatMap((it) => it.traffic.toSpecs()));
    const cidr = out[world].cidr;
    const denies = internetAdminDenies(allowed, requested).map((spec): Omit<NaclEntry, "ruleNumber"> => ({
      direction: "ingress",
      action: "deny",
      protocol: "tcp",
      protocolNumber: PROTOCOL_NUMBER.tcp,
      cidr,
      ipv6: family === 6,
      fromPort: spec.from,
      toPort: spec.to,
      purposes: ["admin-deny"],
      reasons: [`admin port ${formatPortSpec(spec)} closed to the internet (the allow below would open it)`],
    }));
    // A narrower peer whose block the internet-wide entry absorbed (same ports, merged) would
    // now meet the deny first: give it back its admin ports, just for its own block, in front.
    const deniedAdmin = TrafficSet.fromSpecs(denies.map(specOf));
    const keep = items.flatMap((it) =>
      it.cidrs
        .filter((c) => parseBlock(c).family === family && !isWorld(c))
        .flatMap((c) => {
          const needed = it.traffic.intersect(deniedAdmin);
          const served = TrafficSet.fromSpecs(out.slice(0, world).filter((e) => e.action === "allow" && CidrSet.fromCidrs([e.cidr]).covers(CidrSet.fromCidrs([c]))).map(specOf));
          return needed.subtract(served).toSpecs().map((spec): Omit<NaclEntry, "ruleNumber"> => ({
            direction: "ingress",
            action: "allow",
            protocol: "tcp",
            protocolNumber: PROTOCOL_NUMBER.tcp,
            cidr: c,
            ipv6: family === 6,
            fromPort: spec.from,
            toPort: spec.to,
            purposes: [it.purpose],
            reasons: [`${it.reason} (kept open for this peer ahead of the internet admin-port deny)`],
          }));
        }),
    );
    const unique = [...new Map(keep.map((e) => [`${e.cidr} ${e.fromPort}-${e.toPort}`, e])).values()];
    out.splice(world, 0, ...unique, ...denies);
  }
  return out;
}

/**
 * Inserts deny entries for the deployment's own ranges in front of the first allow that reaches
 * into them from outside (the internet-wide entry, typically), after re-allowing, for each block
 * a non-internet item asked for inside those ranges, whatever no earlier allow already serves
 * (merging may have folded it into the broad entry). Nothing changes when no allow is broad.
 */
function withOwnRangeDenies(direction: "ingress" | "egress", entries: readonly Omit<NaclEntry, "ruleNumber">[], items: readonly Item[], own: CidrSet): Omit<NaclEntry, "ruleNumber">[] {
  const blockOf = (c: string) => CidrSet.fromCidrs([c]);
  const at = entries.findIndex((e) => e.action === "allow" && blockOf(e.cidr).overlaps(own) && !own.covers(blockOf(e.cidr)));
  if (at < 0) return [...entries];
  const before = entries.slice(0, at);
  const keep = new Map<string, Omit<NaclEntry, "ruleNumber">>();
  for (const it of items) {
    if (it.internetBound) continue;
    for (const c of it.cidrs) {
      for (const block of blockOf(c).intersect(own).toCidrs()) {
        const inBlock = CidrSet.fromCidrs([block]);
        const served = TrafficSet.fromSpecs(before.filter((e) => e.action === "allow" && blockOf(e.cidr).covers(inBlock)).map(specOf));
        const needed = it.traffic.subtract(served);
        if (needed.isEmpty()) continue;
        // Re-allowing what an earlier allow already lets through changes nothing: the fewer entries wins.
        const specs = [needed.toSpecs(), it.traffic.toSpecs()].sort((a, b) => a.length - b.length)[0];
        for (const spec of specs) {
          addAllow(keep, direction, block, spec, [it.purpose], [`${it.reason} (kept open ahead of the own-range deny)`]);
        }
      }
    }
  }
  const denies = own.toCidrs().map((block): Omit<NaclEntry, "ruleNumber"> => ({
    direction,
    action: "deny",
    protocol: "-1",
    protocolNumber: "-1",
    cidr: block.text,
    ipv6: block.family === 6,
    fromPort: 0,
    toPort: 0,
    purposes: ["own-range-deny"],
    reasons: [`${block.text} is the deployment's own range, not the internet (the local and tenant routes carry it): the internet-wide allows below must not open it`],
  }));
  return [...before, ...keep.values(), ...denies, ...entries.slice(at)];
}

/** Adds (or merges into an equal one) the allow entry for `spec` to `block`, keyed by block, protocol and ports. */
function addAllow(into: Map<string, Omit<NaclEntry, "ruleNumber">>, direction: "ingress" | "egress", block: Cidr, spec: PortSpec, purposes: readonly NaclPurpose[], reasons: readonly string[]): void {
  const protocol: AwsProtocol = spec.protocol === "all" ? "-1" : spec.protocol === "sctp" ? "132" : spec.protocol;
  const ported = protocol === "tcp" || protocol === "udp";
  // An entry without ports (icmp, SCTP, -1) matches the whole protocol: one per block.
  const key = ported ? `${block.text} ${protocol} ${spec.from}-${spec.to}` : `${block.text} ${protocol}`;
  const prior = into.get(key);
  into.set(key, {
    direction,
    action: "allow",
    protocol,
    protocolNumber: PROTOCOL_NUMBER[protocol],
    cidr: block.text,
    ipv6: block.family === 6,
    fromPort: ported ? spec.from : 0,
    toPort: ported ? spec.to : 0,
    ...(protocol === "icmp" ? { icmpType: -1, icmpCode: -1 } : {}),
    purposes: [...new Set([...(prior?.purposes ?? []), ...purposes])].sort(),
    reasons: [...new Set([...(prior?.reasons ?? []), ...reasons])].sort(),
  });
}

function specOf(e: Omit<NaclEntry, "ruleNumber">): PortSpec {
  const protocol = e.protocol === "-1" ? "all" : e.protocol === "132" ? "sctp" : e.protocol;
  return protocol === "tcp" || protocol === "udp" ? { protocol, from: e.fromPort, to: e.toPort } : { protocol, from: 0, to: 65535 };
}

function describe(r: NeutralRule, ports: TrafficSet): string {
  const peer = peerName(r);
  const [from, to] = r.direction === "ingress" ? [peer, r.zone] : [r.zone, peer];
  return `${from} to ${to} ${ports.toSpecs().map(formatPortSpec).join(",")}`;
}

/**
 * The quarantine's deny of everything, in front of the direction's entries: IPv4 always, IPv6 when
 * the direction has IPv6 entries (without any, IPv6 meets the final deny already).
 */
function quarantineDenies(direction: "ingress" | "egress", entries: readonly NaclEntry[], reason: string): NaclEntry[] {
  const deny = (cidr: string, ipv6: boolean, ruleNumber: number): NaclEntry => ({ ruleNumber, direction, action: "deny", protocol: "-1", protocolNumber: "-1", cidr, ipv6, fromPort: 0, toPort: 0, purposes: ["quarantine"], reasons: [reason] });
  return [deny("0.0.0.0/0", false, QUARANTINE_RULE_NUMBERS.ipv4), ...(entries.some((e) => e.ipv6) ? [deny("::/0", true, QUARANTINE_RULE_NUMBERS.ipv6)] : [])];
}

/** The NACL of one managed zone. */
export function planZoneNacl(ctx: PlanContext, zone: string, neutral: readonly NeutralRule[]): NaclPlan {
  const plan = planOpenZoneNacl(ctx, zone, neutral);
  const q = ctx.input.quarantine?.find((x) => x.zone === zone && x.workload === undefined);
  if (!q) return plan;
  const reason = `zone ${zone} quarantined since ${q.since}: ${q.reason}`;
  return { ingress: [...quarantineDenies("ingress", plan.ingress, reason), ...plan.ingress], egress: [...quarantineDenies("egress", plan.egress, reason), ...plan.egress] };
}

function planOpenZoneNacl(ctx: PlanContext, zone: string, neutral: readonly NeutralRule[]): NaclPlan {
  const ingress: Item[] = [];
  const egress: Item[] = [];
  const block = ctx.zoneBlock.get(zone)!;
  const all = TrafficSet.ALL;
  ingress.push({ cidrs: [block], traffic: all, purpose: "intra-zone", reason: `inside zone ${zone}` });
  egress.push({ cidrs: [block], traffic: all, purpose: "intra-zone", reason: `inside zone ${zone}` });
  for (const r of neutral) {
    if (r.zone !== zone) continue;
    const cidrs = peerCidrs(ctx, r);
    if (!cidrs || cidrs.length === 0) continue;
    const ports = TrafficSet.fromSpecs(r.ports);
    const what = describe(r, ports);
    const internetBound = (r.peer.kind === "cidrs" && r.peer.name === INTERNET_PEER) || (r.peer.kind === "proxy" && ctx.proxy.internetBound);
    const [requestSide, returnSide] = r.direction === "ingress" ? [ingress, egress] : [egress, ingress];
    requestSide.push({ cidrs, traffic: ports, purpose: "request", reason: `${what} (request)`, internetBound });
    returnSide.push({ cidrs, traffic: returnTraffic(ports), purpose: "return", reason: `${what} (return)`, internetBound });
  }
  if (ctx.natZone === zone) {
    const natZones = new Set(zonesNeedingNat(ctx.input.zones).map((z) => z.name));
    for (const r of neutral) {
      if (r.direction !== "egress" || !natZones.has(r.zone) || r.zone === zone || r.peer.kind !== "cidrs" || r.peer.name !== "internet") continue;
      const ports = TrafficSet.fromSpecs(r.ports);
      const source = [ctx.zoneBlock.get(r.zone)!];
      const what = `${r.zone} to internet ${ports.toSpecs().map(formatPortSpec).join(",")} via NAT`;
      ingress.push({ cidrs: source, traffic: ports, purpose: "nat-transit", reason: `${what} (request in)` });
      egress.push({ cidrs: INTERNET_CIDRS, traffic: ports, purpose: "nat-transit", reason: `${what} (request out)`, internetBound: true });
      ingress.push({ cidrs: INTERNET_CIDRS, traffic: returnTraffic(ports), purpose: "nat-transit", reason: `${what} (return in)`, internetBound: true });
      egress.push({ cidrs: source, traffic: returnTraffic(ports), purpose: "nat-transit", reason: `${what} (return out)` });
    }
  }
  // Any zone with an internet-bound allow (a flow from or to the internet, NAT transit, the
  // transparent firewall) denies the own ranges in front of it: those allows exist for the
  // internet alone, and without the deny they would open the zone east-west on their ports.
  const own = [...ingress, ...egress].some((it) => it.internetBound) ? ctx.ownRanges : undefined;
  return { ingress: entriesFor("ingress", ingress, own), egress: entriesFor("egress", egress, own) };
}
