/**
 * NetworkPolicies from the neutral rules. Each selector pair is ONE peer (namespace AND pod):
 * two peers would be ORed and admit a whole namespace plus same-named pods elsewhere, the
 * classic hand-written flaw. Namespaces are matched on `kubernetes.io/metadata.name`, which the
 * API server sets and nobody can forge. Every port carries its protocol and every policy states
 * its policyTypes, so no defaulting decides what is allowed.
 */
import { MAX_PORT, MIN_PORT, TrafficSet, type PortedProtocol, type PortSpec } from "../../net/ports";
import type { Intent, Zone } from "../../intent";
import type { NeutralRule, RulePeer } from "../neutral";
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, ObjectMeta } from "./manifests";
import type { ResolvedK8sOptions } from "./options";
import { DEFAULT_DENY_NAME, DNS_POLICY_NAME, EGRESS_PROXY_POLICY_NAME, objectName, type Target } from "./naming";

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
const WHOLE_INTERNET = "0.0.0.0/0";

export type MetaFor = (zone: Zone, name: string, role: string, target?: Target) => ObjectMeta & { namespace: string };

export function namespaceSelector(ns: string): LabelSelector {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } };
}

/** The three protocols a NetworkPolicy filters, as the API spells them. */
const POLICY_PROTOCOL = { tcp: "TCP", udp: "UDP", sctp: "SCTP" } as const satisfies Record<PortedProtocol, NetworkPolicyPort["protocol"]>;

/** Ports as a NetworkPolicy writes them; undefined means every port of every protocol. */
export function policyPorts(specs: readonly PortSpec[]): NetworkPolicyPort[] | undefined {
  if (specs.some((p) => p.protocol === "all")) return undefined;
  const out: NetworkPolicyPort[] = [];
  for (const p of specs) {
    // An empty ports list would mean every port: a protocol the policy cannot express must never get here.
    if (p.protocol !== "tcp" && p.protocol !== "udp" && p.protocol !== "sctp") throw new Error(`internal: ${p.protocol} reached the NetworkPolicy planner (checks.ts refuses it)`);
    const protocol = POLICY_PROTOCOL[p.protocol];
    if (p.from <= MIN_PORT + 1 && p.to === MAX_PORT) out.push({ protocol });
    else if (p.from === p.to) out.push({ protocol, port: p.from });
    else out.push({ protocol, port: Math.max(p.from, 1), endPort: p.to });
  }
  return out;
}

function workloadLabels(intent: Intent, zone: string, workload: string): Readonly<Record<string, string>> {
  const w = intent.zones.find((z) => z.name === zone)?.workloads.find((x) => x.name === workload);
  if (!w) throw new Error(`internal: workload ${zone}/${workload} missing from a validated intent`);
  return { ...w.labels };
}

/** The peers a rule names, seen from the zone that carries the rule. */
export function rulePeers(intent: Intent, rule: NeutralRule, options: ResolvedK8sOptions): NetworkPolicyPeer[] {
  const peer: RulePeer = rule.peer;
  switch (peer.kind) {
    case "zone":
      return [
        peer.workload
          ? { namespaceSelector: namespaceSelector(peer.zone), podSelector: { matchLabels: workloadLabels(intent, peer.zone, peer.workload) } }
          : { namespaceSelector: namespaceSelector(peer.zone) },
      ];
    case "cidrs":
      if (peer.name === "internet") {
        return rule.direction === "egress" ? [{ ipBlock: { cidr: WHOLE_INTERNET, except: [...options.internetExcept] } }] : [{ ipBlock: { cidr: WHOLE_INTERNET } }];
      }
      return peer.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
    case "proxy":
      return [{ namespaceSelector: namespaceSelector(options.egressProxy.namespace), podSelector: { matchLabels: { ...options.egressProxy.podLabels } } }];
  }
}

function withPorts<T extends object>(rule: T, ports: NetworkPolicyPort[] | undefined): T & { ports?: NetworkPolicyPort[] } {
  return ports === undefined ? rule : { ...rule, ports };
}

/** The policy of one target (a zone, or a workload in it) carrying every rule of its flows. */
export function targetPolicy(intent: Intent, zone: Zone, target: Target, rules: readonly NeutralRule[], options: ResolvedK8sOptions, meta: MetaFor): NetworkPolicy {
  const byKey = [...rules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const ingress = byKey.filter((r) => r.direction === "ingress").map((r) => withPorts({ from: rulePeers(intent, r, options) }, policyPorts(r.ports)));
  const egress = byKey
    .filter((r) => r.direction === "egress" && !(r.peer.kind === "proxy" && options.cilium))
    .map((r) => withPorts({ to: rulePeers(intent, r, options) }, r.peer.kind === "proxy" ? [{ protocol: "TCP" as const, port: options.egressProxy.port }] : policyPorts(r.ports)));
  const podSelector: LabelSelector = target.workload ? { matchLabels: workloadLabels(intent, zone.name, target.workload) } : {};
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(zone, objectName(target, "policy"), "flows", target),
    spec: { podSelector, policyTypes: ["Ingress", "Egress"], ingress, egress },
  };
}

/** Denies everything in and out of the namespace; the flow policies then open what the intent allows. */
export function defaultDeny(zone: Zone, meta: MetaFor): NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(zone, DEFAULT_DENY_NAME, "default-deny"),
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
}

/** Lets every pod resolve names at the cluster DNS, over UDP and TCP (large answers and retries use TCP). */
export function dnsPolicy(zone: Zone, options: ResolvedK8sOptions, meta: MetaFor): NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(zone, DNS_POLICY_NAME, "dns"),
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: namespaceSelector(options.dns.namespace), podSelector: { matchLabels: { ...options.dns.podLabels } } }],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    },
  };
}

/**
 * When the egress proxy runs in a zone netseg manages, that zone's default deny would cut the
 * proxy off too: this policy admits the allow-listed clients on the proxy port and lets the
 * proxy reach public addresses on the allow-listed ports (the proxy itself filters by domain).
 */
export function egressProxyPolicy(intent: Intent, zone: Zone, proxyRules: readonly NeutralRule[], options: ResolvedK8sOptions, meta: MetaFor): NetworkPolicy | undefined {
  if (proxyRules.length === 0) return undefined;
  const sorted = [...proxyRules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const clients: NetworkPolicyPeer[] = sorted.map((r) => rulePeers(intent, { ...r, peer: { kind: "zone", zone: r.zone, workload: r.workload } }, options)[0]);
  const upstream = TrafficSet.fromSpecs(sorted.flatMap((r) => r.ports)).toSpecs();
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(zone, EGRESS_PROXY_POLICY_NAME, "egress-proxy"),
    spec: {
      podSelector: { matchLabels: { ...options.egressProxy.podLabels } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: clients, ports: [{ protocol: "TCP", port: options.egressProxy.port }] }],
      egress: [withPorts({ to: [{ ipBlock: { cidr: WHOLE_INTERNET, except: [...options.internetExcept] } }] }, policyPorts(upstream))],
    },
  };
}
