/**
 * A reference evaluator of the Kubernetes policy layers for pod-to-pod traffic, written from the
 * API references (network-policy-api v1alpha1 and networking.k8s.io/v1) and nothing in netseg:
 * for each direction, AdminNetworkPolicies by priority (rules in order; Allow and Deny final, Pass
 * goes on to the NetworkPolicies), then NetworkPolicies (a pod selected for the direction is
 * allowed only by some rule), then for traffic no NetworkPolicy decided the
 * BaselineAdminNetworkPolicy (rules in order), then allow. A connection needs the source's egress
 * and the destination's ingress. Deliberately small and slow: it checks the planner, not speed.
 *
 * ipBlock peers are taken to match every pod (the most permissive reading: a guardrail must hold
 * even then). Only numbered ports are modelled, which is all netseg writes.
 */
type Labels = Readonly<Record<string, string>>;

export interface RefNamespace {
  readonly name: string;
  readonly labels: Labels;
}
export interface RefPod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
}
export interface RefTraffic {
  readonly protocol: "TCP" | "UDP" | "SCTP";
  readonly port: number;
}
export type Verdict = "Allow" | "Deny";

export interface RefCluster {
  readonly namespaces: readonly RefNamespace[];
  readonly networkPolicies: readonly any[];
  readonly adminNetworkPolicies: readonly any[];
  readonly baselineAdminNetworkPolicy?: any;
}

export function selectorMatches(sel: any, labels: Labels): boolean {
  if (sel === undefined || sel === null) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const ok =
      e.operator === "In" ? has && e.values.includes(labels[e.key]) : e.operator === "NotIn" ? !has || !e.values.includes(labels[e.key]) : e.operator === "Exists" ? has : e.operator === "DoesNotExist" ? !has : undefined;
    if (ok === undefined) throw new Error(`reference: unknown operator ${e.operator}`);
    if (!ok) return false;
  }
  return true;
}

function nsLabels(cluster: RefCluster, ns: string): Labels {
  const n = cluster.namespaces.find((x) => x.name === ns);
  if (!n) throw new Error(`reference: no namespace ${ns}`);
  // The API server sets this label on every namespace.
  return { ...n.labels, "kubernetes.io/metadata.name": ns };
}

function adminPeerMatches(cluster: RefCluster, peer: any, pod: RefPod): boolean {
  if (peer.namespaces !== undefined) return selectorMatches(peer.namespaces, nsLabels(cluster, pod.namespace));
  if (peer.pods !== undefined) return selectorMatches(peer.pods.namespaceSelector, nsLabels(cluster, pod.namespace)) && selectorMatches(peer.pods.podSelector, pod.labels);
  return false; // nodes, networks: never a pod
}

function adminPortsMatch(ports: any[] | undefined, t: RefTraffic): boolean {
  if (ports === undefined) return true;
  return ports.some((p) =>
    p.portNumber ? p.portNumber.protocol === t.protocol && p.portNumber.port === t.port : p.portRange ? p.portRange.protocol === t.protocol && p.portRange.start <= t.port && t.port <= p.portRange.end : false,
  );
}

/** First matching rule's action among the rules of `policies` (in order), or undefined. */
function adminDecision(cluster: RefCluster, policies: readonly any[], dir: "ingress" | "egress", self: RefPod, other: RefPod, t: RefTraffic): string | undefined {
  for (const p of policies) {
    if (!adminPeerMatches(cluster, p.spec.subject, self)) continue;
    for (const rule of p.spec[dir] ?? []) {
      const peers = dir === "ingress" ? rule.from : rule.to;
      if (peers.some((x: any) => adminPeerMatches(cluster, x, other)) && adminPortsMatch(rule.ports, t)) return rule.action;
    }
  }
  return undefined;
}

function npPeerMatches(cluster: RefCluster, policyNs: string, peer: any, pod: RefPod): boolean {
  if (peer.ipBlock) return true;
  const nsOk = peer.namespaceSelector === undefined ? pod.namespace === policyNs : selectorMatches(peer.namespaceSelector, nsLabels(cluster, pod.namespace));
  return nsOk && selectorMatches(peer.podSelector, pod.labels);
}

function npPortsMatch(ports: any[] | undefined, t: RefTraffic): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => (p.protocol ?? "TCP") === t.protocol && (p.port === undefined || (p.endPort === undefined ? p.port === t.port : p.port <= t.port && t.port <= p.endPort)));
}

/** NetworkPolicy verdict, or undefined when no policy isolates the pod in that direction. */
function npDecision(cluster: RefCluster, dir: "ingress" | "egress", self: RefPod, other: RefPod, t: RefTraffic): Verdict | undefined {
  const type = dir === "ingress" ? "Ingress" : "Egress";
  const selecting = cluster.networkPolicies.filter((p) => p.metadata.namespace === self.namespace && selectorMatches(p.spec.podSelector, self.labels) && (p.spec.policyTypes ?? ["Ingress"]).includes(type));
  if (selecting.length === 0) return undefined;
  const allowed = selecting.some((p) =>
    (p.spec[dir] ?? []).some((rule: any) => {
      const peers = dir === "ingress" ? rule.from : rule.to;
      return (peers === undefined || peers.length === 0 || peers.some((x: any) => npPeerMatches(cluster, p.metadata.namespace, x, other))) && npPortsMatch(rule.ports, t);
    }),
  );
  return allowed ? "Allow" : "Deny";
}

export function directionVerdict(cluster: RefCluster, dir: "ingress" | "egress", self: RefPod, other: RefPod, t: RefTraffic): Verdict {
  const ordered = [...cluster.adminNetworkPolicies].sort((a, b) => a.spec.priority - b.spec.priority);
  const priorities = new Set(ordered.map((p) => p.spec.priority));
  // Same-priority ANPs have no defined order: evaluate them as one group only when at most one selects the pod.
  for (const prio of [...priorities].sort((a, b) => a - b)) {
    const group = ordered.filter((p) => p.spec.priority === prio && adminPeerMatches(cluster, p.spec.subject, self));
    if (group.length > 1) throw new Error(`reference: ${group.length} AdminNetworkPolicies of priority ${prio} select ${self.namespace}/${self.name}: undefined order`);
    const action = adminDecision(cluster, group, dir, self, other, t);
    if (action === "Allow" || action === "Deny") return action;
    if (action === "Pass") break;
  }
  const np = npDecision(cluster, dir, self, other, t);
  if (np) return np;
  const banp = cluster.baselineAdminNetworkPolicy;
  if (banp) {
    const action = adminDecision(cluster, [banp], dir, self, other, t);
    if (action === "Allow" || action === "Deny") return action;
  }
  return "Allow";
}

export function connectionAllowed(cluster: RefCluster, src: RefPod, dst: RefPod, t: RefTraffic): boolean {
  return directionVerdict(cluster, "egress", src, dst, t) === "Allow" && directionVerdict(cluster, "ingress", dst, src, t) === "Allow";
}

/** A NetworkPolicy a namespace owner might add: everything in, or everything out, for every pod of the namespace. */
export function openEverything(namespace: string, dir: "Ingress" | "Egress"): any {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `owner-opens-${dir.toLowerCase()}`, namespace },
    spec: { podSelector: {}, policyTypes: [dir], ...(dir === "Ingress" ? { ingress: [{}] } : { egress: [{}] }) },
  };
}
