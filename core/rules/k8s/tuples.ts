/**
 * The flows a Kubernetes plan actually lets through, read back from its NetworkPolicies (not
 * from the rules that produced them), as the tuples every platform is compared with
 * (intentFlowTuples). Selectors are decoded into endpoints with the intent's zones and
 * workloads; a flow between two zones passes only where the source's egress and the
 * destination's ingress both allow it (zones netseg does not manage have no policies, so they
 * filter nothing; a flow with no managed side is outside the plan and never appears). DNS and
 * egress-proxy rules are plumbing, not flows, and are skipped (only policies marked with the
 * `flows` role are read).
 */
import { TrafficSet, type PortSpec } from "../../net/ports";
import type { Intent } from "../../intent";
import { TAG } from "../../tags";
import { sortTuples, type FlowTuple } from "../neutral";
import type { K8sPlan } from "./plan";
import type { LabelSelector, NetworkPolicyPeer, NetworkPolicyPort } from "./manifests";
import { NAMESPACE_NAME_LABEL } from "./network-policies";
import { ciliumFlowsAsNetworkPolicy } from "./cilium";

function sameLabels(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b).length && ka.every((k) => a![k] === b[k]);
}

function selectorLabels(s: LabelSelector | undefined): Readonly<Record<string, string>> {
  return s?.matchLabels ?? {};
}

function trafficOf(ports: readonly NetworkPolicyPort[] | undefined): TrafficSet {
  if (ports === undefined) return TrafficSet.ALL;
  const specs: PortSpec[] = ports.map((p) => {
    const protocol = p.protocol === "UDP" ? "udp" : p.protocol === "SCTP" ? "sctp" : "tcp";
    if (p.port === undefined) return { protocol, from: 0, to: 65535 };
    return { protocol, from: p.port, to: p.endPort ?? p.port };
  });
  return TrafficSet.fromSpecs(specs);
}

export function k8sFlowTuples(plan: K8sPlan, intent: Intent): FlowTuple[] {
  const zones = new Map(intent.zones.map((z) => [z.name, z]));
  /** The endpoint a pod selector names inside a namespace, or undefined when it is no zone or workload of the intent. */
  const endpointIn = (ns: string, pods: LabelSelector | undefined): string | undefined => {
    const zone = zones.get(ns);
    if (!zone) return undefined;
    const labels = selectorLabels(pods);
    if (Object.keys(labels).length === 0) return zone.name;
    const w = zone.workloads.find((x) => sameLabels(x.labels, labels));
    return w ? `${zone.name}/${w.name}` : undefined;
  };
  const peerEndpoint = (p: NetworkPolicyPeer): string | undefined => {
    if (p.ipBlock) {
      if (p.ipBlock.cidr === "0.0.0.0/0") return "internet";
      return intent.peers.find((x) => x.cidrs.includes(p.ipBlock!.cidr))?.name;
    }
    const ns = selectorLabels(p.namespaceSelector)[NAMESPACE_NAME_LABEL];
    return ns === undefined ? undefined : endpointIn(ns, p.podSelector);
  };

  const sides = { ingress: new Map<string, TrafficSet>(), egress: new Map<string, TrafficSet>() };
  const pairs = new Map<string, { from: string; to: string }>();
  const add = (direction: "ingress" | "egress", from: string, to: string, t: TrafficSet) => {
    const id = `${from}\u0000${to}`;
    sides[direction].set(id, (sides[direction].get(id) ?? TrafficSet.EMPTY).union(t));
    pairs.set(id, { from, to });
  };
  // In Cilium mode the flows are CiliumNetworkPolicies, read as the NetworkPolicies they equal.
  for (const np of [...plan.networkPolicies, ...plan.ciliumNetworkPolicies.map(ciliumFlowsAsNetworkPolicy)]) {
    if (np.metadata.labels[TAG.k8s.role] !== "flows") continue;
    const target = endpointIn(np.metadata.namespace, np.spec.podSelector);
    if (target === undefined) continue;
    for (const r of np.spec.ingress ?? []) {
      for (const p of r.from) {
        const from = peerEndpoint(p);
        if (from) add("ingress", from, target, trafficOf(r.ports));
      }
    }
    for (const r of np.spec.egress ?? []) {
      for (const p of r.to) {
        const to = peerEndpoint(p);
        if (to) add("egress", target, to, trafficOf(r.ports));
      }
    }
  }
  const managed = (key: string) => zones.get(key.split("/")[0])?.managed === true;
  const out: FlowTuple[] = [];
  for (const [id, { from, to }] of pairs) {
    let traffic = TrafficSet.ALL;
    if (managed(from)) traffic = traffic.intersect(sides.egress.get(id) ?? TrafficSet.EMPTY);
    if (managed(to)) traffic = traffic.intersect(sides.ingress.get(id) ?? TrafficSet.EMPTY);
    for (const p of traffic.toSpecs()) out.push({ from, to, protocol: p.protocol, fromPort: p.from, toPort: p.to });
  }
  return sortTuples(out);
}
