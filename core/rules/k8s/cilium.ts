/**
 * Cilium mode: a domain allow-list becomes a CiliumNetworkPolicy with `toFQDNs` rules, so the
 * CNI itself admits connections only to the addresses the allowed names resolved to. Cilium
 * learns those addresses by watching DNS answers, which it does only for lookups that pass its
 * DNS proxy: the policy therefore also sends the pod's DNS traffic to kube-dns through a
 * `rules.dns` match. Without that rule toFQDNs never matches anything.
 */
import type { EgressDestination, Zone } from "../../intent";
import type { NeutralRule } from "../neutral";
import type { CiliumEgressRule, CiliumNetworkPolicy } from "./manifests";
import type { ResolvedK8sOptions } from "./options";
import { objectName, targetKey, type Target } from "./naming";
import type { MetaFor } from "./network-policies";

type Cilium = NonNullable<ResolvedK8sOptions["cilium"]>;

function fqdnSelector(d: EgressDestination, cilium: Cilium): { matchName: string } | { matchPattern: string } {
  if (!d.wildcard) return { matchName: d.host };
  return { matchPattern: cilium.multiLevelWildcards ? `*${d.host}` : d.host };
}

/** Cilium endpoint labels carry their source; `k8s:` pins them to Kubernetes pod labels. */
function dnsEndpoint(options: ResolvedK8sOptions): Record<string, string> {
  const labels: Record<string, string> = { "k8s:io.kubernetes.pod.namespace": options.dns.namespace };
  for (const [k, v] of Object.entries(options.dns.podLabels)) labels[`k8s:${k}`] = v;
  return labels;
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
          toPorts: [{ ports: [{ port: "53", protocol: "ANY" }], rules: { dns: [{ matchPattern: "*" }] } }],
        },
        ...fqdnRules,
      ],
    },
  };
}
