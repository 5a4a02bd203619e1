/**
 * Neutral rules -> security-group rules, one security group per managed zone.
 *
 * Zones reach each other by security-group reference (the component maps zone names to group
 * ids), so a rule follows the zone whatever addresses it grows into; the internet, peers and
 * unmanaged zones are named by CIDR. Security groups are stateful: a flow needs an egress rule
 * at the source and an ingress rule at the destination, and no return rules. Rules to the same
 * peer are merged across flows (ports joined), and CIDR peers with the same ports are merged
 * into the fewest blocks, because each block is a rule that counts against AWS's 60.
 */
import { CidrSet } from "../../net/cidr";
import { TrafficSet, type PortSpec } from "../../net/ports";
import { INTERNET_PEER, type NeutralRule } from "../neutral";
import { RESERVED_ZONE_NAME, type PlanContext } from "./context";
import type { AwsProtocol, SecurityGroupPlan, SgPeer, SgRule } from "./types";

/** The name of the egress proxy's security group in a plan (a `group` of its rules). */
export const EGRESS_PROXY_GROUP = RESERVED_ZONE_NAME;

interface Contribution {
  readonly traffic: TrafficSet;
  readonly flowKeys: ReadonlySet<string>;
  readonly descriptions: readonly string[];
}

function merge(a: Contribution | undefined, b: Contribution): Contribution {
  if (!a) return b;
  return { traffic: a.traffic.union(b.traffic), flowKeys: new Set([...a.flowKeys, ...b.flowKeys]), descriptions: [...a.descriptions, ...b.descriptions] };
}

function protocolOf(spec: PortSpec): { protocol: AwsProtocol; fromPort?: number; toPort?: number; part: string } {
  switch (spec.protocol) {
    case "all":
      return { protocol: "-1", part: "all" };
    case "icmp":
      return { protocol: "icmp", fromPort: -1, toPort: -1, part: "icmp" };
    // AWS matches a rule of protocol 132 on every SCTP port whatever its ports say (the plan
    // refuses an SCTP flow narrower than that, see ./protocols), so the rule names none.
    case "sctp":
      return { protocol: "132", part: "sctp" };
    default:
      return { protocol: spec.protocol, fromPort: spec.from, toPort: spec.to, part: spec.from === spec.to ? `${spec.protocol}-${spec.from}` : `${spec.protocol}-${spec.from}-${spec.to}` };
  }
}

/** Joins flow descriptions; bounded so that merging many flows never breaks AWS's 255. */
export function joinDescriptions(descriptions: readonly string[], limit = 255): string {
  const unique = [...new Set(descriptions)].sort();
  const joined = unique.join("; ");
  if (joined.length <= limit) return joined;
  const parts: string[] = [];
  for (const d of unique) {
    const rest = unique.length - parts.length - 1;
    const tail = rest > 0 ? `; and ${rest} more` : "";
    if ([...parts, d].join("; ").length + tail.length > limit) break;
    parts.push(d);
  }
  const more = unique.length - parts.length;
  return parts.length ? `${parts.join("; ")}; and ${more} more` : `netseg: ${unique.length} flows`;
}

function proxyDescription(rule: NeutralRule, limit = 255): string {
  const source = rule.workload ? `${rule.zone}/${rule.workload}` : rule.zone;
  const head = `netseg egress allow-list of ${source} via the egress proxy: `;
  const dests = rule.peer.kind === "proxy" ? rule.peer.destinations.map((d) => `${d.host}:${d.port}`) : [];
  let text = head + dests.join(", ");
  for (let n = dests.length - 1; text.length > limit && n >= 0; n--) text = `${head}${dests.slice(0, n).join(", ")}${n ? ", " : ""}and ${dests.length - n} more`;
  return text;
}

function cidrKey(cidr: string): string {
  return cidr.replace(/[/:]/g, "-");
}

function toRules(group: string, direction: "ingress" | "egress", peer: SgPeer, peerPart: string, c: Contribution): SgRule[] {
  const description = joinDescriptions(c.descriptions);
  return c.traffic.toSpecs().map((spec) => {
    const p = protocolOf(spec);
    return {
      key: `${direction === "ingress" ? "in" : "out"}-${peerPart}-${p.part}`,
      group,
      direction,
      peer,
      protocol: p.protocol,
      ...(p.fromPort === undefined ? {} : { fromPort: p.fromPort, toPort: p.toPort }),
      description,
      flowKeys: [...c.flowKeys].sort(),
    };
  });
}

/** The rules of one group and direction from its neutral rules, merged and sorted by key. */
function rulesFor(ctx: PlanContext, group: string, direction: "ingress" | "egress", neutral: readonly NeutralRule[]): SgRule[] {
  const refs = new Map<string, { peer: SgPeer; c: Contribution }>();
  const byCidr = new Map<string, { names: ReadonlySet<string>; c: Contribution }>();
  const flows = new Map(ctx.input.flows.map((f) => [f.key, f]));
  for (const r of neutral) {
    const flow = flows.get(r.flowKey);
    const description = r.peer.kind === "proxy" ? proxyDescription(r) : flow ? flow.description : r.description;
    const c: Contribution = { traffic: TrafficSet.fromSpecs(r.ports), flowKeys: new Set([r.flowKey]), descriptions: [description] };
    const addCidrs = (name: string, cidrs: readonly string[]) => {
      for (const block of cidrs) byCidr.set(block, { names: new Set([...(byCidr.get(block)?.names ?? []), name]), c: merge(byCidr.get(block)?.c, c) });
    };
    if (r.peer.kind === "zone") {
      if (ctx.managed.has(r.peer.zone)) {
        const key = r.peer.zone;
        refs.set(key, { peer: { kind: "zone", zone: key }, c: merge(refs.get(key)?.c, c) });
      } else addCidrs(r.peer.zone, [ctx.zoneBlock.get(r.peer.zone)!]);
    } else if (r.peer.kind === "cidrs") {
      // Towards the internet: never the deployment's own ranges (see PlanContext.internetCidrs).
      // Ingress from the internet keeps 0.0.0.0/0: every netseg zone's egress already leaves the
      // own ranges out, and the zone's NACL denies them in front of its internet allows.
      addCidrs(r.peer.name, direction === "egress" && r.peer.name === INTERNET_PEER ? ctx.internetCidrs : r.peer.cidrs);
    }
    else if (ctx.proxy.mode === "security-group") refs.set(EGRESS_PROXY_GROUP, { peer: { kind: "egress-proxy" }, c: merge(refs.get(EGRESS_PROXY_GROUP)?.c, c) });
    // A transparent firewall's internet-bound blocks leave out the deployment's own ranges: see PlanContext.proxy.
    else addCidrs(EGRESS_PROXY_GROUP, ctx.proxy.sgCidrs);
  }
  const out = new Map<string, SgRule>();
  const add = (rules: SgRule[]) => {
    for (const rule of rules) {
      const prior = out.get(rule.key);
      out.set(rule.key, prior ? { ...rule, flowKeys: [...new Set([...prior.flowKeys, ...rule.flowKeys])].sort(), description: joinDescriptions([prior.description, rule.description]) } : rule);
    }
  };
  for (const [part, { peer, c }] of refs) add(toRules(group, direction, peer, part, c));
  // CIDR peers with equal ports share rules: their blocks are merged into the fewest CIDRs.
  const byTraffic = new Map<string, { names: Set<string>; cidrs: string[]; c: Contribution }>();
  for (const [block, { names, c }] of byCidr) {
    const k = c.traffic.toString();
    const g = byTraffic.get(k);
    byTraffic.set(k, { names: new Set([...(g?.names ?? []), ...names]), cidrs: [...(g?.cidrs ?? []), block], c: merge(g?.c, c) });
  }
  for (const { names, cidrs, c } of byTraffic.values()) {
    const set = CidrSet.fromCidrs(cidrs);
    const name = [...names].sort().join("+");
    for (const block of set.toCidrs()) add(toRules(group, direction, { kind: "cidr", name, cidr: block.text, ipv6: block.family === 6 }, cidrKey(block.text), c));
  }
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The security group of one managed zone. */
export function planZoneSecurityGroup(ctx: PlanContext, zone: string, neutral: readonly NeutralRule[]): SecurityGroupPlan {
  const mine = neutral.filter((r) => r.zone === zone);
  return {
    name: `${ctx.namePrefix}-${zone}`,
    description: `netseg zone ${zone} of ${ctx.input.name}`,
    ingress: rulesFor(ctx, zone, "ingress", mine.filter((r) => r.direction === "ingress")),
    egress: rulesFor(ctx, zone, "egress", mine.filter((r) => r.direction === "egress")),
  };
}

/** Ingress of the egress proxy's own group: each proxy zone, on the ports it may use. */
export function planEgressProxyIngress(ctx: PlanContext, neutral: readonly NeutralRule[]): SgRule[] {
  if (ctx.proxy.mode !== "security-group") return [];
  const asIngress = neutral
    .filter((r) => r.peer.kind === "proxy" && ctx.managed.has(r.zone))
    .map((r): NeutralRule => ({ ...r, direction: "ingress", peer: { kind: "zone", zone: r.zone }, description: proxyDescription(r) }));
  return rulesFor(ctx, EGRESS_PROXY_GROUP, "ingress", asIngress);
}
