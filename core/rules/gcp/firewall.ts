/**
 * Neutral rules -> GCP VPC firewall rules.
 *
 * Ingress rules target the destination zone and name their source by zone identity (service
 * account or network tag) or by ranges (internet, peers). Egress rules target the source zone
 * and name their destination by ranges only, because a GCP egress rule cannot name a service
 * account or tag as its destination: a zone destination becomes that zone's subnet CIDRs.
 * Two deny-all rules at 65534, logged, close the network in both directions.
 */
import { CidrSet } from "../../net/cidr";
import { formatPortSpec, TrafficSet, type PortSpec } from "../../net/ports";
import type { IntentIssue } from "../../intent/errors";
import { INTERNET_CIDRS, INTERNET_PEER, type NeutralRule } from "../neutral";
import { endpointPart, gcpName } from "./names";
import { GCP_PRIORITY, type GcpFirewallRulePlan, type GcpProtocolPorts } from "./types";

/** Per-rule limits of VPC firewall rules (VPC quotas, "per firewall rule"). */
export const GCP_FIREWALL_LIMITS = {
  ranges: 256,
  sourceTags: 30,
  targetTags: 70,
  sourceServiceAccounts: 10,
  targetServiceAccounts: 10,
} as const;

/** GCP caps descriptions at 2048 characters. */
const DESCRIPTION_MAX = 2048;

export interface FirewallContext {
  readonly prefix: string;
  readonly networkName: string;
  /** Subnet CIDRs of every zone, over all regions. */
  readonly zoneCidrs: ReadonlyMap<string, readonly string[]>;
  readonly zoneEgress: ReadonlyMap<string, string>;
  readonly egressProxyRanges: readonly string[];
  /**
   * The ranges `from: internet` and `to: internet` rules name: the internet minus the network's
   * own ranges (default the whole IPv4 space). A VM's traffic to another VM of the network meets
   * both the source's egress and the target's ingress rules, so "the internet on 443" written as
   * 0.0.0.0/0 on both sides would let app reach edge:443 although only internet -> edge is meant.
   */
  readonly internetRanges?: readonly string[];
  /** Where a flow (or egress allow-list) sits in the intent, for error paths: `flows[2]`. */
  readonly flowPath: (flowKey: string) => string;
}

/** GCP's allow/deny blocks for a set of ports: one block per protocol, ranges merged. */
export function gcpProtocols(ports: readonly PortSpec[]): GcpProtocolPorts[] {
  const specs = TrafficSet.fromSpecs(ports).toSpecs();
  const byProto = new Map<GcpProtocolPorts["protocol"], string[] | undefined>();
  for (const s of specs) {
    if (s.protocol === "all" || s.protocol === "icmp" || (s.from === 0 && s.to === 65535)) {
      byProto.set(s.protocol, undefined);
      continue;
    }
    const list = byProto.get(s.protocol) ?? [];
    list.push(s.from === s.to ? `${s.from}` : `${s.from}-${s.to}`);
    byProto.set(s.protocol, list);
  }
  return [...byProto.entries()].map(([protocol, list]) => (list ? { protocol, ports: list } : { protocol }));
}

/** The ports a GCP block allows, back as specs (for flow tuples). */
export function portSpecsOf(blocks: readonly GcpProtocolPorts[]): PortSpec[] {
  return blocks.flatMap((b): PortSpec[] => {
    if (!b.ports || b.protocol === "all" || b.protocol === "icmp") return [{ protocol: b.protocol, from: 0, to: 65535 }];
    return b.ports.map((p) => {
      const [from, to] = p.split("-").map(Number);
      return { protocol: b.protocol, from, to: to ?? from };
    });
  });
}

/** Canonical ranges (merged, sorted), cut into chunks GCP accepts: one family and <= 256 each. */
function rangeChunks(cidrs: readonly string[]): string[][] {
  const set = CidrSet.fromCidrs(cidrs).toCidrs();
  const chunks: string[][] = [];
  for (const family of [4, 6]) {
    const texts = set.filter((c) => c.family === family).map((c) => c.text);
    for (let i = 0; i < texts.length; i += GCP_FIREWALL_LIMITS.ranges) chunks.push(texts.slice(i, i + GCP_FIREWALL_LIMITS.ranges));
  }
  return chunks;
}

/**
 * The zone whose instances a netseg allow rule applies to, read back from the marker its
 * description ends with (`[netseg <network>: ingress to zone app from edge]`): GCP firewall
 * rules carry no labels, so this is how a report files them under their zone.
 */
export function firewallZone(description: string): string | undefined {
  return /\[netseg [^\]:]+: (?:ingress to|egress from) zone ([a-z0-9-]+) /.exec(description)?.[1];
}

function describe(text: string): string {
  return text.length <= DESCRIPTION_MAX ? text : `${text.slice(0, DESCRIPTION_MAX - 3)}...`;
}

function allowRule(ctx: FirewallContext, r: NeutralRule, issues: IntentIssue[]): GcpFirewallRulePlan[] {
  const ingress = r.direction === "ingress";
  const protocols = gcpProtocols(r.ports);
  const peerKey = r.peer.kind === "zone" ? r.peer.zone : r.peer.kind === "cidrs" ? r.peer.name : "egress-proxy";
  const from = ingress ? peerKey : r.zone;
  const to = ingress ? r.zone : peerKey;
  const kind = r.peer.kind === "proxy" ? "egress-proxy" : "flow";
  const base = gcpName([ctx.prefix, ingress ? "in" : "eg", endpointPart(from), "to", endpointPart(to)]);
  const side = ingress ? `ingress to zone ${r.zone} from ${from}` : `egress from zone ${r.zone} to ${to}`;
  const description = describe(`${r.description} [netseg ${ctx.networkName}: ${side}]`);
  const make = (key: string, name: string, desc: string, sourceZones: string[], sourceRanges: string[], destinationRanges: string[]): GcpFirewallRulePlan => ({
    key,
    kind,
    name,
    direction: ingress ? "INGRESS" : "EGRESS",
    action: "allow",
    priority: GCP_PRIORITY.allow,
    description: desc,
    targetZones: [r.zone],
    sourceZones,
    sourceRanges,
    destinationRanges,
    protocols,
    logging: true,
    from,
    to,
  });

  if (ingress && r.peer.kind === "zone") {
    return [make(r.key, base, description, [r.peer.zone], [], [])];
  }
  let ranges: readonly string[];
  if (r.peer.kind === "cidrs") ranges = r.peer.name === INTERNET_PEER ? (ctx.internetRanges ?? r.peer.cidrs) : r.peer.cidrs;
  else if (r.peer.kind === "zone") ranges = ctx.zoneCidrs.get(r.peer.zone) ?? [];
  else ranges = ctx.egressProxyRanges;
  if (!ingress && r.peer.kind === "cidrs" && r.peer.name === "internet" && ctx.zoneEgress.get(r.zone) !== "nat") {
    issues.push({ path: ctx.flowPath(r.flowKey), value: r.flowKey, message: `zone "${r.zone}" has egress ${ctx.zoneEgress.get(r.zone)}, so GCP gives it no egress to the internet`, fix: `set egress: nat on zone "${r.zone}"` });
    return [];
  }
  if (!ingress && r.peer.kind === "cidrs" && r.peer.name === INTERNET_PEER && r.ports.some((p) => p.protocol === "sctp")) {
    // netseg gives a zone its way to the internet through Cloud NAT (egress: nat), whose public NAT translates TCP, UDP and ICMP only.
    issues.push({ path: `${ctx.flowPath(r.flowKey)}.ports`, value: r.ports.filter((p) => p.protocol === "sctp").map(formatPortSpec).join(", "), message: `flow ${r.flowKey}: zone "${r.zone}" reaches the internet through Cloud NAT, which translates TCP, UDP and ICMP only, so SCTP to the internet cannot pass`, fix: "remove sctp from this flow, or reach the SCTP peer by its address block (a peer) over Cloud VPN or Interconnect" });
  }
  if (ranges.length === 0) {
    // An empty proxy range list is reported once, against args.egressProxyRanges.
    if (r.peer.kind !== "proxy") issues.push({ path: ctx.flowPath(r.flowKey), value: r.flowKey, message: `the ${r.direction} rule ${r.key} has no address ranges to name its peer`, fix: "give the peer or the egress proxy at least one CIDR" });
    return [];
  }
  const chunks = rangeChunks(ranges);
  return chunks.map((chunk, i) => {
    const split = chunks.length > 1;
    const key = split ? `${r.key}#${i + 1}` : r.key;
    const name = split ? gcpName([base, `p${i + 1}`]) : base;
    const desc = split ? describe(`${description} (part ${i + 1} of ${chunks.length}: GCP takes at most ${GCP_FIREWALL_LIMITS.ranges} ranges of one IP family per rule)`) : description;
    return make(key, name, desc, [], ingress ? chunk : [], ingress ? [] : chunk);
  });
}

function denyAll(ctx: FirewallContext, direction: "INGRESS" | "EGRESS"): GcpFirewallRulePlan {
  const ingress = direction === "INGRESS";
  return {
    key: `deny-all/${ingress ? "ingress" : "egress"}`,
    kind: "deny-all",
    name: gcpName([ctx.prefix, "deny-all", ingress ? "ingress" : "egress"]),
    direction,
    action: "deny",
    priority: GCP_PRIORITY.denyAll,
    description: `netseg ${ctx.networkName}: deny and log all ${ingress ? "ingress" : "egress"} not allowed by a flow (priority ${GCP_PRIORITY.denyAll}, above GCP's implied rules at 65535)`,
    targetZones: [],
    sourceZones: [],
    sourceRanges: ingress ? [...INTERNET_CIDRS] : [],
    destinationRanges: ingress ? [] : [...INTERNET_CIDRS],
    protocols: [{ protocol: "all" }],
    logging: true,
  };
}

/** Checks the per-rule identity limits; they only bind if rules ever group several zones. */
function checkLimits(rule: GcpFirewallRulePlan, targeting: "serviceAccount" | "tag", issues: IntentIssue[]): void {
  const sourceMax = targeting === "tag" ? GCP_FIREWALL_LIMITS.sourceTags : GCP_FIREWALL_LIMITS.sourceServiceAccounts;
  const targetMax = targeting === "tag" ? GCP_FIREWALL_LIMITS.targetTags : GCP_FIREWALL_LIMITS.targetServiceAccounts;
  const what = targeting === "tag" ? "network tags" : "service accounts";
  if (rule.sourceZones.length > sourceMax) issues.push({ path: `firewall ${rule.key}`, value: rule.sourceZones.length, message: `the rule names ${rule.sourceZones.length} source ${what}; GCP allows ${sourceMax}`, fix: "split the flow across fewer zones" });
  if (rule.targetZones.length > targetMax) issues.push({ path: `firewall ${rule.key}`, value: rule.targetZones.length, message: `the rule names ${rule.targetZones.length} target ${what}; GCP allows ${targetMax}`, fix: "split the flow across fewer zones" });
}

/** Every firewall rule of the network, sorted by key; problems are appended to `issues`. */
export function planFirewallRules(ctx: FirewallContext, neutral: readonly NeutralRule[], targeting: "serviceAccount" | "tag", issues: IntentIssue[]): GcpFirewallRulePlan[] {
  const rules = [...neutral.flatMap((r) => allowRule(ctx, r, issues)), denyAll(ctx, "INGRESS"), denyAll(ctx, "EGRESS")];
  for (const r of rules) checkLimits(r, targeting, issues);
  return rules.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
