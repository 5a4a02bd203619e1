/**
 * Cilium mode. What netseg emits when `cilium` is on, and why:
 *
 * - Zone isolation stays in NetworkPolicies (Cilium enforces them): each zone's namespace-wide
 *   default deny and its DNS egress to kube-dns are the same objects with Cilium on or off, so
 *   turning the option on or off never leaves a namespace open, not even during the update.
 * - Each flow target's rules (a zone, or a workload in it) become one CiliumNetworkPolicy
 *   (`<target>-policy`, in place of the NetworkPolicy of that name), written in Cilium's own
 *   terms so that Hubble and `cilium policy get` show the segmentation: `endpointSelector`
 *   (the target's pod labels; `{}` for a whole zone), `fromEndpoints` / `toEndpoints` with the
 *   namespace label `k8s:io.kubernetes.pod.namespace` (labels carry their `k8s:` source), the
 *   internet inbound as `fromEntities: [world]`, the internet outbound as `toCIDRSet`
 *   0.0.0.0/0 except RFC 1918 and `internetExcept` (the entity `world` would also take private
 *   addresses outside the cluster, which the intent keeps out of "the internet"), peers as
 *   `fromCIDRSet` / `toCIDRSet`, ports as `toPorts` (absent for an `all` flow).
 * - A domain allow-list becomes a CiliumNetworkPolicy with `toFQDNs` rules (`<target>-fqdn`),
 *   so the CNI itself admits connections only to the addresses the allowed names resolved to.
 *   Cilium learns those addresses by watching DNS answers, which it does only for lookups that
 *   pass its DNS proxy: the policy therefore also sends the pod's DNS traffic to kube-dns
 *   (`toEndpoints`, UDP and TCP 53 as the DNS NetworkPolicy opens them) through a `rules.dns`
 *   match. Without that rule toFQDNs never matches.
 */
import type { EgressDestination, Intent, Zone } from "../../intent";
import { MAX_PORT, MIN_PORT, type PortSpec } from "../../net/ports";
import type { NeutralRule } from "../neutral";
import type { CiliumCIDRRule, CiliumEgressRule, CiliumIngressRule, CiliumNetworkPolicy, CiliumPortRule, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from "./manifests";
import type { ResolvedK8sOptions } from "./options";
import { objectName, targetKey, type Target } from "./naming";
import { namespaceSelector, type MetaFor } from "./network-policies";

/** Cilium's label for a pod's namespace, with the `k8s:` source every netseg endpoint label carries. */
export const CILIUM_NAMESPACE_LABEL = "k8s:io.kubernetes.pod.namespace";
const WHOLE_INTERNET = "0.0.0.0/0";

type Cilium = NonNullable<ResolvedK8sOptions["cilium"]>;

function fqdnSelector(d: EgressDestination, cilium: Cilium): { matchName: string } | { matchPattern: string } {
  if (!d.wildcard) return { matchName: d.host };
  return { matchPattern: cilium.multiLevelWildcards ? `*${d.host}` : d.host };
}

/** Pods of `namespace` with `podLabels`, as a Cilium endpoint selector: labels carry their source; `k8s:` pins them to Kubernetes pod labels. */
function endpointSelector(namespace: string, podLabels: Readonly<Record<string, string>> = {}): LabelSelector {
  const labels: Record<string, string> = { [CILIUM_NAMESPACE_LABEL]: namespace };
  for (const [k, v] of Object.entries(podLabels)) labels[`k8s:${k}`] = v;
  return { matchLabels: labels };
}

function dnsEndpoint(options: ResolvedK8sOptions): Record<string, string> {
  return { ...endpointSelector(options.dns.namespace, options.dns.podLabels).matchLabels };
}

export function fqdnPolicy(zone: Zone, target: Target, rule: NeutralRule, options: ResolvedK8sOptions, cilium: Cilium, meta: MetaFor): CiliumNetworkPolicy {
  if (rule.peer.kind !== "proxy") throw new Error(`internal: ${rule.key} is not an allow-list rule`);
  const byPort = new Map<number, EgressDestination[]>();
  for (const d of rule.peer.destinations) byPort.set(d.port, [...(byPort.get(d.port) ?? []), d]);
  const fqdnRules: CiliumEgressRule[] = [...byPort.entries()]
    .sort(([a], [b]) => a - b)
    .map(([port, ds]) => ({
      toFQDNs: ds.map((d) => fqdnSelector(d, cilium)),
      toPorts: [{ ports: [{ port: String(port), protocol: "TCP" as const }] }],
    }));
  const labels = target.workload ? { ...zone.workloads.find((w) => w.name === target.workload)!.labels } : undefined;
  return {
    apiVersion: "cilium.io/v2",
    kind: "CiliumNetworkPolicy",
    metadata: meta(zone, objectName(target, "fqdn"), "egress-allow-list", target),
    spec: {
      description: `netseg egress allow-list of ${targetKey(target)}: ${rule.peer.destinations.map((d) => `${d.host}:${d.port}`).join(", ")}`,
      endpointSelector: labels ? { matchLabels: labels } : {},
      egress: [
        {
          toEndpoints: [{ matchLabels: dnsEndpoint(options) }],
          toPorts: [
            {
              ports: [
                { port: "53", protocol: "UDP" },
                { port: "53", protocol: "TCP" },
              ],
              rules: { dns: [{ matchPattern: "*" }] },
            },
          ],
        },
        ...fqdnRules,
      ],
    },
  };
}

function workloadLabels(intent: Intent, zone: string, workload: string): Readonly<Record<string, string>> {
  const w = intent.zones.find((z) => z.name === zone)?.workloads.find((x) => x.name === workload);
  if (!w) throw new Error(`internal: workload ${zone}/${workload} missing from a validated intent`);
  return { ...w.labels };
}

const CILIUM_PROTOCOL = { tcp: "TCP", udp: "UDP", sctp: "SCTP" } as const;

/** Ports as Cilium writes them; undefined means every port of every protocol (no `toPorts`). */
export function ciliumPorts(specs: readonly PortSpec[]): CiliumPortRule[] | undefined {
  if (specs.some((p) => p.protocol === "all")) return undefined;
  const ports = specs.map((p) => {
    if (p.protocol !== "tcp" && p.protocol !== "udp" && p.protocol !== "sctp") throw new Error(`internal: ${p.protocol} reached the Cilium planner (checks.ts refuses it)`);
    const protocol = CILIUM_PROTOCOL[p.protocol];
    if (p.from <= MIN_PORT + 1 && p.to === MAX_PORT) return { port: "0", protocol };
    if (p.from === p.to) return { port: String(p.from), protocol };
    return { port: String(Math.max(p.from, 1)), endPort: p.to, protocol };
  });
  return [{ ports }];
}

function withPorts<T extends object>(rule: T, specs: readonly PortSpec[]): T & { toPorts?: CiliumPortRule[] } {
  const toPorts = ciliumPorts(specs);
  return toPorts === undefined ? rule : { ...rule, toPorts };
}

function internetExcept(options: ResolvedK8sOptions): CiliumCIDRRule {
  return { cidr: WHOLE_INTERNET, except: [...options.internetExcept] };
}

function ingressRule(intent: Intent, r: NeutralRule): CiliumIngressRule {
  const p = r.peer;
  if (p.kind === "zone") return withPorts({ fromEndpoints: [endpointSelector(p.zone, p.workload ? workloadLabels(intent, p.zone, p.workload) : {})] }, r.ports);
  if (p.kind === "cidrs") return withPorts(p.name === "internet" ? { fromEntities: ["world" as const] } : { fromCIDRSet: p.cidrs.map((cidr) => ({ cidr })) }, r.ports);
  throw new Error(`internal: ${r.key} is an allow-list rule on the ingress side`);
}

function egressRule(intent: Intent, r: NeutralRule, options: ResolvedK8sOptions): CiliumEgressRule {
  const p = r.peer;
  if (p.kind === "zone") return withPorts({ toEndpoints: [endpointSelector(p.zone, p.workload ? workloadLabels(intent, p.zone, p.workload) : {})] }, r.ports);
  if (p.kind === "cidrs") return withPorts({ toCIDRSet: p.name === "internet" ? [internetExcept(options)] : p.cidrs.map((cidr) => ({ cidr })) }, r.ports);
  throw new Error(`internal: ${r.key} is an allow-list rule; fqdnPolicy carries it`);
}

/**
 * The CiliumNetworkPolicy of one flow target, carrying every rule of its flows but the
 * allow-list (its own `-fqdn` policy); undefined when nothing is left.
 */
export function flowPolicy(intent: Intent, zone: Zone, target: Target, rules: readonly NeutralRule[], options: ResolvedK8sOptions, meta: MetaFor): CiliumNetworkPolicy | undefined {
  const byKey = [...rules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const ingress = byKey.filter((r) => r.direction === "ingress").map((r) => ingressRule(intent, r));
  const egress = byKey.filter((r) => r.direction === "egress" && r.peer.kind !== "proxy").map((r) => egressRule(intent, r, options));
  if (!ingress.length && !egress.length) return undefined;
  return {
    apiVersion: "cilium.io/v2",
    kind: "CiliumNetworkPolicy",
    metadata: meta(zone, objectName(target, "policy"), "flows", target),
    spec: {
      description: `netseg flows of ${targetKey(target)}`,
      endpointSelector: target.workload ? { matchLabels: workloadLabels(intent, zone.name, target.workload) } : {},
      ...(ingress.length ? { ingress } : {}),
      ...(egress.length ? { egress } : {}),
    },
  };
}

/** A Cilium endpoint selector netseg wrote, as the NetworkPolicy peer it stands for. */
function endpointPeer(s: LabelSelector): NetworkPolicyPeer {
  const pods: Record<string, string> = {};
  let ns: string | undefined;
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) {
    if (k === CILIUM_NAMESPACE_LABEL) ns = v;
    else pods[k.startsWith("k8s:") ? k.slice(4) : k] = v;
  }
  return { ...(ns !== undefined ? { namespaceSelector: namespaceSelector(ns) } : {}), ...(Object.keys(pods).length ? { podSelector: { matchLabels: pods } } : {}) };
}

function cidrPeers(rules: readonly CiliumCIDRRule[] | undefined): NetworkPolicyPeer[] {
  return (rules ?? []).map((c) => ({ ipBlock: { cidr: c.cidr, ...(c.except ? { except: [...c.except] } : {}) } }));
}

function npPorts(toPorts: readonly CiliumPortRule[] | undefined): NetworkPolicyPort[] | undefined {
  if (!toPorts) return undefined;
  return toPorts.flatMap((r) =>
    r.ports.flatMap((p) =>
      (p.protocol === "ANY" ? (["TCP", "UDP", "SCTP"] as const) : [p.protocol]).map((protocol) =>
        p.port === "0" ? { protocol } : { protocol, port: Number(p.port), ...(p.endPort !== undefined ? { endPort: p.endPort } : {}) },
      ),
    ),
  );
}

/**
 * A flow CiliumNetworkPolicy netseg planned, read back as the NetworkPolicy it is equivalent to
 * (same selections, peers and ports; `world` as 0.0.0.0/0), so the plan's flow tuples read
 * both kinds alike. Only the shapes flowPolicy writes are decoded.
 */
export function ciliumFlowsAsNetworkPolicy(cnp: CiliumNetworkPolicy): NetworkPolicy {
  const ingress = (cnp.spec.ingress ?? []).map((r) => {
    const from = [...(r.fromEndpoints ?? []).map(endpointPeer), ...(r.fromEntities ?? []).filter((e) => e === "world").map(() => ({ ipBlock: { cidr: WHOLE_INTERNET } })), ...cidrPeers(r.fromCIDRSet)];
    const ports = npPorts(r.toPorts);
    return ports ? { from, ports } : { from };
  });
  const egress = (cnp.spec.egress ?? []).map((r) => {
    const to = [...(r.toEndpoints ?? []).map(endpointPeer), ...cidrPeers(r.toCIDRSet)];
    const ports = npPorts(r.toPorts);
    return ports ? { to, ports } : { to };
  });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: cnp.metadata,
    spec: { podSelector: cnp.spec.endpointSelector, policyTypes: ["Ingress", "Egress"], ingress, egress },
  };
}
