/**
 * Flows compiled to a cloud-neutral rule form: one rule per filter that must let a flow pass.
 * A flow between two zones needs an egress rule at the source and an ingress rule at the
 * destination (every platform here filters both ways); a flow from the internet or a peer needs
 * only the destination's ingress rule, and one to the internet only the source's egress rule.
 * Egress allow-lists become egress rules towards the egress proxy on the listed ports. Each
 * platform's planner (AWS security groups and NACLs, GCP firewall, Kubernetes NetworkPolicy)
 * starts from this list, so the platforms cannot drift apart.
 */
import { TrafficSet, type PortSpec } from "../net/ports";
import { endpointKey, type Endpoint, type EgressDestination, type HttpMatch, type Intent } from "../intent/types";

/** The internet as address blocks: the whole IPv4 space (netseg's networks are IPv4). */
export const INTERNET_CIDRS: readonly string[] = ["0.0.0.0/0"];
/** The name a `cidrs` peer carries when it is the internet (`from: internet`, `to: internet`). */
export const INTERNET_PEER = "internet";

export type RulePeer =
  | { readonly kind: "zone"; readonly zone: string; readonly workload?: string }
  | { readonly kind: "cidrs"; readonly name: string; readonly cidrs: readonly string[] }
  | { readonly kind: "proxy"; readonly destinations: readonly EgressDestination[] };

export type Direction = "ingress" | "egress";

export interface NeutralRule {
  /** Stable identity: `<flow key>/<direction>`; egress-proxy rules use `egress-proxy:<zone>`. */
  readonly key: string;
  readonly flowKey: string;
  readonly direction: Direction;
  /** The zone whose filter carries the rule. */
  readonly zone: string;
  /** The workload inside that zone the rule applies to (Kubernetes), if the flow names one. */
  readonly workload?: string;
  readonly peer: RulePeer;
  readonly ports: readonly PortSpec[];
  readonly description: string;
  readonly http?: HttpMatch;
}

function peerOf(e: Endpoint): RulePeer {
  switch (e.kind) {
    case "internet":
      return { kind: "cidrs", name: INTERNET_PEER, cidrs: INTERNET_CIDRS };
    case "peer":
      return { kind: "cidrs", name: e.peer, cidrs: e.cidrs };
    case "zone":
      return { kind: "zone", zone: e.zone, workload: e.workload };
  }
}

/** Compiles an intent's flows and egress allow-lists; sorted by zone, direction, key. */
export function compileNeutralRules(intent: Pick<Intent, "flows" | "egress">): NeutralRule[] {
  const rules: NeutralRule[] = [];
  for (const f of intent.flows) {
    if (f.from.kind === "zone") {
      rules.push({
        key: `${f.key}/egress`,
        flowKey: f.key,
        direction: "egress",
        zone: f.from.zone,
        workload: f.from.workload,
        peer: peerOf(f.to),
        ports: f.ports,
        description: f.description,
        http: f.http,
      });
    }
    if (f.to.kind === "zone") {
      rules.push({
        key: `${f.key}/ingress`,
        flowKey: f.key,
        direction: "ingress",
        zone: f.to.zone,
        workload: f.to.workload,
        peer: peerOf(f.from),
        ports: f.ports,
        description: f.description,
        http: f.http,
      });
    }
  }
  for (const e of intent.egress) {
    const source = e.workload ? `${e.zone}/${e.workload}` : e.zone;
    const ports = TrafficSet.fromSpecs(e.destinations.map((d) => ({ protocol: "tcp" as const, from: d.port, to: d.port }))).toSpecs();
    rules.push({
      key: `egress-proxy:${source}`,
      flowKey: `${source}->egress-proxy`,
      direction: "egress",
      zone: e.zone,
      workload: e.workload,
      peer: { kind: "proxy", destinations: e.destinations },
      ports,
      description: `netseg egress allow-list of ${source} via the egress proxy: ${e.destinations.map((d) => `${d.host}:${d.port}`).join(", ")}`,
    });
  }
  return rules.sort((a, b) => cmp(a.zone, b.zone) || cmp(a.direction, b.direction) || cmp(a.key, b.key));
}

/**
 * The rules as the zones' own filters see them. A transparent proxy (AWS Network Firewall)
 * receives a zone's traffic on the destination's port, so the proxy-bound rules keep the
 * allow-listed ports. Behind an explicit proxy (netseg's Squid fleets) a zone connects to the
 * proxy's listen port whatever the destination's port is: the proxy-bound rules then carry
 * tcp/<listenPort> only (the destinations stay, for descriptions). Every platform's planner
 * applies this the same way.
 */
export function asSeenByZones(rules: readonly NeutralRule[], listenPort: number | undefined): NeutralRule[] {
  if (listenPort === undefined) return [...rules];
  return rules.map((r) => (r.peer.kind === "proxy" ? { ...r, ports: [{ protocol: "tcp", from: listenPort, to: listenPort }] } : r));
}

/** The problem with an explicit proxy's listen port, if any (path and fixes are the caller's). */
export function listenPortProblem(port: number | undefined): string | undefined {
  if (port === undefined || (Number.isInteger(port) && port >= 1 && port <= 65535)) return undefined;
  return "the proxy's listen port must be a whole number from 1 to 65535";
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The allowed flows as tuples, the yardstick every platform's plan is compared with:
 * `(from, to, protocol, from-port, to-port)`, one per merged port range, sorted.
 */
export interface FlowTuple {
  readonly from: string;
  readonly to: string;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
}

export function intentFlowTuples(intent: Pick<Intent, "flows">): FlowTuple[] {
  const out: FlowTuple[] = [];
  for (const f of intent.flows) {
    for (const p of TrafficSet.fromSpecs(f.ports).toSpecs()) {
      out.push({ from: endpointKey(f.from), to: endpointKey(f.to), protocol: p.protocol, fromPort: p.from, toPort: p.to });
    }
  }
  return sortTuples(out);
}

export function sortTuples(t: FlowTuple[]): FlowTuple[] {
  return t.sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.protocol, b.protocol) || a.fromPort - b.fromPort || a.toPort - b.toPort);
}

