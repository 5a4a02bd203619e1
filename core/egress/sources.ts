/**
 * Who may go out, from where, to what: the intent's allow-lists joined with the address plan.
 *
 * A VPC-level enforcer (AWS Network Firewall, a Squid fleet, GCP Secure Web Proxy) sees only
 * source addresses, and every workload of a zone shares the zone's subnets. So an allow-list
 * written for `zone/workload` can only be enforced for the whole zone there: the lists of one
 * zone are merged, and the merge is reported in `widenedWorkloads` so a caller can say so.
 * (Kubernetes enforces the per-workload lists itself, with pod selectors.)
 */
import type { AddressPlan } from "../addressing/plan";
import type { EgressDestination, Intent } from "../intent/types";

export interface EgressSource {
  /** The zone whose subnets are the traffic's source. */
  readonly zone: string;
  /** The zone's subnet CIDRs, by AZ order. */
  readonly cidrs: readonly string[];
  /** Every destination of the zone's lists, deduplicated, sorted by host then port. */
  readonly destinations: readonly EgressDestination[];
  /** Workloads whose own lists were merged into the zone's (enforced zone-wide here). */
  readonly widenedWorkloads: readonly string[];
}

export function compareDestinations(a: EgressDestination, b: EgressDestination): number {
  return a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1;
}

/** `api.stripe.com:443`, `*.amazonaws.com:443`. */
export function destinationText(d: EgressDestination): string {
  return `${d.host}:${d.port}`;
}

/** The domain a wildcard stands for, without `*.`: `amazonaws.com` for `*.amazonaws.com`. */
export function wildcardSuffix(d: EgressDestination): string {
  return d.wildcard ? d.host.slice(2) : d.host;
}

/**
 * One source per zone with an allow-list, sorted by zone name. Zones with `egress: proxy` and no
 * list get an empty destination list: they may reach nothing, and the enforcer must still know
 * them so that their traffic is dropped rather than ignored.
 */
export function egressSources(intent: Pick<Intent, "zones" | "egress">, plan: Pick<AddressPlan, "zones">): EgressSource[] {
  const proxied = intent.zones.filter((z) => z.egress === "proxy").map((z) => z.name);
  const names = [...new Set([...proxied, ...intent.egress.map((e) => e.zone)])].sort();
  return names.map((zone) => {
    const block = plan.zones.find((b) => b.zone === zone);
    if (!block) throw new Error(`internal: zone "${zone}" has an allow-list but no address block in the plan`);
    const lists = intent.egress.filter((e) => e.zone === zone);
    const unique = new Map<string, EgressDestination>();
    for (const l of lists) for (const d of l.destinations) unique.set(destinationText(d), d);
    return {
      zone,
      cidrs: [...block.subnets].sort((a, b) => a.azIndex - b.azIndex).map((s) => s.cidr),
      destinations: [...unique.values()].sort(compareDestinations),
      widenedWorkloads: [...new Set(lists.flatMap((l) => (l.workload ? [l.workload] : [])))].sort(),
    };
  });
}

/** Every distinct destination port over all sources, ascending. */
export function destinationPorts(sources: readonly EgressSource[]): number[] {
  return [...new Set(sources.flatMap((s) => s.destinations.map((d) => d.port)))].sort((a, b) => a - b);
}
