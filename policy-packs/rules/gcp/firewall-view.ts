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
 */
import type { TrafficSet } from "../../../core/net";
import { GCP_FIREWALL, normaliseFirewall, str, type GcpFirewall, type StackIndex, type StackResource } from "../../../core/resources";

export interface WorldAllow {
  readonly fw: GcpFirewall;
  readonly traffic: TrafficSet;
  readonly ranges: string;
}

/** The traffic an enabled firewall rule of `direction` certainly allows to or from the whole internet. */
function worldAllow(fw: GcpFirewall, direction: "INGRESS" | "EGRESS"): WorldAllow | undefined {
  if (fw.direction !== direction || fw.disabled !== false || !fw.ranges.cidrs.isWorld() || fw.allow.isEmpty()) return undefined;
  const ranges = `${fw.ranges.cidrs}${fw.rangesDefaulted ? (direction === "INGRESS" ? " (no source named: GCP's default)" : " (no destination named: GCP's default)") : ""}`;
  return { fw, traffic: fw.allow, ranges };
}

export interface WorldExposure extends WorldAllow {
  readonly resource: StackResource;
  /** Deny rules that took part of the allow's traffic, by name. */
  readonly deniedBy: readonly string[];
}

/** The network a firewall rule belongs to: the URN its `network` came from, else a known value. */
function networkOf(r: StackResource): string | undefined {
  const urns = r.propertyDependencies.network ?? [];
  if (urns.length === 1) return urns[0];
  if (urns.length > 1) return undefined;
  const v = str(r.props.network);
  return typeof v === "string" ? v : undefined;
}

/** Every instance `allow` applies to is one `deny` applies to. */
function coversTargets(deny: GcpFirewall, allow: GcpFirewall): boolean {
  if (!deny.targetsComplete || !allow.targetsComplete) return false;
  const d = deny.targets;
  const a = allow.targets;
  if (d.tags.length === 0 && d.serviceAccounts.length === 0) return true;
  if (a.tags.length > 0 && a.serviceAccounts.length === 0) return a.tags.every((t) => d.tags.includes(t));
  if (a.serviceAccounts.length > 0 && a.tags.length === 0) return a.serviceAccounts.every((s) => d.serviceAccounts.includes(s));
  return false;
}

/** For each firewall rule of the stack, the internet traffic of `direction` it still opens after the denies evaluated before it. */
export function worldExposures(stack: StackIndex, direction: "INGRESS" | "EGRESS"): WorldExposure[] {
  const rules = stack.ofType(GCP_FIREWALL).map((resource) => ({ resource, fw: normaliseFirewall(resource.props), network: networkOf(resource) }));
  const denies = rules.filter(
    (d) => d.network !== undefined && d.fw.direction === direction && d.fw.disabled === false && !d.fw.deny.isEmpty() && typeof d.fw.priority === "number" && d.fw.ranges.cidrs.isWorld(),
  );
  const out: WorldExposure[] = [];
  for (const { resource, fw, network } of rules) {
    const w = worldAllow(fw, direction);
    if (!w) continue;
    let traffic = w.traffic;
    const deniedBy: string[] = [];
    for (const d of denies) {
      if (d.resource === resource || d.network !== network || typeof fw.priority !== "number" || (d.fw.priority as number) > fw.priority || !coversTargets(d.fw, fw)) continue;
      if (traffic.intersect(d.fw.deny).isEmpty()) continue;
      traffic = traffic.subtract(d.fw.deny);
      deniedBy.push(d.resource.name);
    }
    if (!traffic.isEmpty()) out.push({ ...w, traffic, resource, deniedBy });
  }
  return out;
}

/** " (after the denies x, y)" when denies took part of the allow, for messages. */
export function afterDenies(e: WorldExposure): string {
  return e.deniedBy.length ? ` (what the earlier deny rule${e.deniedBy.length === 1 ? "" : "s"} ${e.deniedBy.join(", ")} leave${e.deniedBy.length === 1 ? "s" : ""} of it)` : "";
}
