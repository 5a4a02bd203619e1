/**
 * Shared by the GCP firewall rules: the enabled allow traffic a rule opens to the internet, and
 * what of it is left once the network's deny rules that GCP evaluates first have taken theirs.
 *
 * GCP evaluates a network's rules by priority, lowest number first, a deny winning a tie. So an
 * allow of tcp/22 from 0.0.0.0/0 at priority 1000 opens nothing when a deny of tcp/22 from
 * 0.0.0.0/0 at priority 900 applies to every instance the allow does. Only certain coverage
 * counts: the deny must be enabled, in the same network (by the engine's property dependencies,
 * or the same known network value), of known priority no later than the allow's, name the whole
 * internet as its peers, and apply to every instance the allow applies to (no targets; or the
 * allow's target tags, or service accounts, all among the deny's). Anything less, or anything
 * unknown, leaves the allow's exposure as it is: a finding is never hidden by a guess.
 *
 * Allow rules add up across rules (two rules from the two /1 halves are the internet), and a
 * malformed rule counts at its most open; its message says so.
 */
import { CidrSet, TrafficSet } from "../../../core/net";
import { GCP_FIREWALL, normaliseFirewall, pieces, str, type GcpFirewall, type StackIndex, type StackResource } from "../../../core/resources";

export interface WorldAllow {
  readonly fw: GcpFirewall;
  readonly traffic: TrafficSet;
  readonly ranges: string;
}

/**
 * What an exposure check counts for a rule: its allowed traffic and peer addresses, a malformed
 * rule (GCP would reject it, so what it means is unknown, and a wrong "closed" is worse than a
 * finding) at its most open: its widest traffic, and the whole internet for an invalid range.
 */
function atMostOpen(fw: GcpFirewall): { allow: TrafficSet; cidrs: CidrSet } {
  const malformed = fw.problems.length > 0;
  return { allow: malformed ? fw.widestAllow : fw.allow, cidrs: fw.ranges.invalid.length > 0 ? fw.ranges.cidrs.union(CidrSet.WORLD) : fw.ranges.cidrs };
}

function rangesText(fw: GcpFirewall, direction: "INGRESS" | "EGRESS"): string {
  const cidrs = atMostOpen(fw).cidrs;
  const dflt = fw.rangesDefaulted ? (direction === "INGRESS" ? " (no source named: GCP's default)" : " (no destination named: GCP's default)") : "";
  const malformed = fw.problems.length > 0 ? ` (the rule is malformed: ${fw.problems.join("; ")}; so it is counted at its most open)` : "";
  return `${cidrs}${dflt}${malformed}`;
}

export interface WorldExposure extends WorldAllow {
  readonly resource: StackResource;
  /** Deny rules that took part of the allow's traffic, by name. */
  readonly deniedBy: readonly string[];
  /** Other allow rules whose ranges, with this rule's, make up the whole internet (empty when it does alone). */
  readonly together: readonly string[];
}

/** The network a firewall rule belongs to: the URN its `network` came from, else a known value. */
function networkOf(r: StackResource): string | undefined {
  const urns = r.propertyDependencies.network ?? [];
  if (urns.length === 1) return urns[0];
  if (urns.length > 1) return undefined;
  const v = str(r.props.network);
  return typeof v === "string" ? v : undefined;
}

/** Every instance `allow` applies to is one `other` applies to. */
function coversTargets(other: GcpFirewall, allow: GcpFirewall): boolean {
  if (!other.targetsComplete || !allow.targetsComplete) return false;
  const d = other.targets;
  const a = allow.targets;
  if (d.tags.length === 0 && d.serviceAccounts.length === 0) return true;
  if (a.tags.length > 0 && a.serviceAccounts.length === 0) return a.tags.every((t) => d.tags.includes(t));
  if (a.serviceAccounts.length > 0 && a.tags.length === 0) return a.serviceAccounts.every((s) => d.serviceAccounts.includes(s));
  return false;
}

interface Candidate {
  readonly resource: StackResource;
  readonly fw: GcpFirewall;
  readonly network: string | undefined;
  readonly cidrs: CidrSet;
  /** Allowed traffic left after the denies GCP evaluates first. */
  readonly traffic: TrafficSet;
  readonly deniedBy: readonly string[];
}

/**
 * For each firewall rule of the stack, the internet traffic of `direction` it still opens after
 * the denies evaluated before it. Allow rules add up, as security-group rules do: a rule from
 * 0.0.0.0/1 and one from 128.0.0.0/1 open the internet together when both apply to every instance
 * the first applies to (same network, no targets or a superset of its targets), on the traffic
 * each still allows after its own denies.
 */
export function worldExposures(stack: StackIndex, direction: "INGRESS" | "EGRESS"): WorldExposure[] {
  const rules = stack.ofType(GCP_FIREWALL).map((resource) => ({ resource, fw: normaliseFirewall(resource.props), network: networkOf(resource) }));
  const denies = rules.filter(
    (d) => d.network !== undefined && d.fw.direction === direction && d.fw.disabled === false && !d.fw.deny.isEmpty() && typeof d.fw.priority === "number" && d.fw.ranges.cidrs.isWorld(),
  );
  const candidates: Candidate[] = [];
  for (const { resource, fw, network } of rules) {
    if (fw.direction !== direction || fw.disabled !== false) continue;
    const open = atMostOpen(fw);
    if (open.allow.isEmpty() || open.cidrs.isEmpty()) continue;
    let traffic = open.allow;
    const deniedBy: string[] = [];
    for (const d of denies) {
      if (d.resource === resource || d.network !== network || typeof fw.priority !== "number" || (d.fw.priority as number) > fw.priority || !coversTargets(d.fw, fw)) continue;
      if (traffic.intersect(d.fw.deny).isEmpty()) continue;
      traffic = traffic.subtract(d.fw.deny);
      deniedBy.push(d.resource.name);
    }
    if (!traffic.isEmpty()) candidates.push({ resource, fw, network, cidrs: open.cidrs, traffic, deniedBy });
  }
  const out: WorldExposure[] = [];
  for (const c of candidates) {
    const ranges = rangesText(c.fw, direction);
    if (c.cidrs.isWorld()) {
      out.push({ fw: c.fw, traffic: c.traffic, ranges, resource: c.resource, deniedBy: c.deniedBy, together: [] });
      continue;
    }
    if (!c.cidrs.reachesPublic() || c.network === undefined) continue;
    const others = candidates.filter((o) => o !== c && o.network === c.network && coversTargets(o.fw, c.fw));
    let traffic = TrafficSet.EMPTY;
    const together = new Set<Candidate>();
    for (const p of pieces(c.traffic, others.map((o) => o.traffic))) {
      const matching = others.filter((o) => o.traffic.ports(p.protocol).has(p.from));
      // A rule that opens the internet alone is named on its own, not as a partner.
      if (matching.some((o) => o.cidrs.isWorld())) continue;
      if (!matching.reduce((acc, o) => acc.union(o.cidrs), c.cidrs).isWorld()) continue;
      traffic = traffic.union(TrafficSet.of(p.protocol, p.from, p.to));
      matching.filter((o) => o.cidrs.reachesPublic()).forEach((o) => together.add(o));
    }
    if (traffic.isEmpty()) continue;
    const names = others.filter((o) => together.has(o)).map((o) => o.resource.name);
    out.push({ fw: c.fw, traffic, ranges: `${ranges} (with ${names.join(", ")}: together the whole internet)`, resource: c.resource, deniedBy: c.deniedBy, together: names });
  }
  return out;
}

/** " (after the denies x, y)" when denies took part of the allow, for messages. */
export function afterDenies(e: WorldExposure): string {
  return e.deniedBy.length ? ` (what the earlier deny rule${e.deniedBy.length === 1 ? "" : "s"} ${e.deniedBy.join(", ")} leave${e.deniedBy.length === 1 ? "s" : ""} of it)` : "";
}
