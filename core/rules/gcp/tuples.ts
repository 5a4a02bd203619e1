/**
 * The flows a GCP plan actually lets through, read back from its firewall rules, as the
 * tuples every platform is compared with (intentFlowTuples). A flow between two zones passes
 * only where the source's egress rule and the destination's ingress rule both allow it, so
 * the tuples are the intersection of the two; traffic from the internet or a peer needs only
 * the ingress side, traffic to them only the egress side. Allow rules count only if they win
 * over the deny-all (lower priority number); egress-proxy rules are not flows.
 */
import { TrafficSet } from "../../net/ports";
import { sortTuples, type FlowTuple } from "../neutral";
import { portSpecsOf } from "./firewall";
import { GCP_PRIORITY, type GcpFirewallRulePlan } from "./types";

export function gcpFlowTuples(rules: readonly GcpFirewallRulePlan[], zones: ReadonlySet<string>): FlowTuple[] {
  const ingress = new Map<string, TrafficSet>();
  const egress = new Map<string, TrafficSet>();
  const pairs = new Map<string, { from: string; to: string }>();
  for (const r of rules) {
    if (r.kind !== "flow" || r.action !== "allow" || r.priority >= GCP_PRIORITY.denyAll || r.from === undefined || r.to === undefined) continue;
    const id = `${r.from}\u0000${r.to}`;
    const side = r.direction === "INGRESS" ? ingress : egress;
    side.set(id, (side.get(id) ?? TrafficSet.EMPTY).union(TrafficSet.fromSpecs(portSpecsOf(r.protocols))));
    pairs.set(id, { from: r.from, to: r.to });
  }
  const out: FlowTuple[] = [];
  for (const [id, { from, to }] of pairs) {
    let traffic = TrafficSet.ALL;
    if (zones.has(from)) traffic = traffic.intersect(egress.get(id) ?? TrafficSet.EMPTY);
    if (zones.has(to)) traffic = traffic.intersect(ingress.get(id) ?? TrafficSet.EMPTY);
    for (const p of traffic.toSpecs()) out.push({ from, to, protocol: p.protocol, fromPort: p.from, toPort: p.to });
  }
  return sortTuples(out);
}
