/**
 * The quarantine on Kubernetes, in the strongest form the cluster offers.
 *
 * With `clusterGuardrails` (the cluster serves AdminNetworkPolicy): one ANP per quarantined target
 * at the top of the priority range (0 upwards, below the zone guardrails, which start at 10 by
 * default), subject the zone's namespace or the workload's pods, denying every ingress from any
 * namespace and every egress to any namespace or network, with DNS to the cluster DNS allowed
 * first when kept. An ANP Deny wins over every NetworkPolicy. ANP ingress peers name pods only, so
 * what comes from outside the cluster (the internet through a load balancer) is closed by the
 * NetworkPolicy step below as well.
 *
 * NetworkPolicies only ever add allows, so no new policy can take traffic away: the target's own
 * allow policies are rewritten in place (same names, no rules, annotated with the reason) and
 * restored when the quarantine is lifted (an update of those objects, never a replacement). A
 * workload whose pods are also selected by a policy that serves more than the workload cannot be
 * cut that way without cutting the others, and is refused with the fix (cluster guardrails, or the
 * whole zone); with cluster guardrails only such a policy's ingress from address blocks matters. In
 * Istio mode an Istio DENY AuthorizationPolicy is added as well (DENY is evaluated before ALLOW).
 * In Cilium mode the target's FQDN allow-list policies (CiliumNetworkPolicies, allows too) are
 * left out while it is quarantined, and come back under the same names when it is lifted.
 */
import type { Intent, Quarantine } from "../../intent";
import type { IntentIssue } from "../../intent/errors";
import type { AdminEgressRule, AdminNetworkPolicy, AdminPeer } from "./admin-manifests";
import { ADMIN_NETWORK_POLICY_API_VERSION } from "./admin-manifests";
import type { AuthorizationPolicy, CiliumNetworkPolicy, NetworkPolicy } from "./manifests";
import { DEFAULT_DENY_NAME, DNS_POLICY_NAME } from "./naming";
import { NAMESPACE_NAME_LABEL } from "./network-policies";
import type { ResolvedK8sOptions } from "./options";
import { TAG } from "../../tags";

/** Annotation carrying the quarantine's reason on every object it adds or empties. */
export const QUARANTINE_ANNOTATION = "netseg.dev/quarantine";
/** Name of the Istio DENY AuthorizationPolicy of a quarantined target. */
export const QUARANTINE_AUTHZ_NAME = "netseg-quarantine";

const note = (q: Quarantine) => `${q.target} since ${q.since}: ${q.reason}`;

function workloadLabels(intent: Intent, q: Quarantine): Readonly<Record<string, string>> | undefined {
  if (q.workload === undefined) return undefined;
  return intent.zones.find((z) => z.name === q.zone)?.workloads.find((w) => w.name === q.workload)?.labels;
}

/** The cluster-scoped ANP name of a quarantine. */
export function quarantinePolicyName(intent: string, q: Pick<Quarantine, "zone" | "workload">): string {
  return `netseg-${intent}-quarantine-${q.zone}${q.workload ? `-${q.workload}` : ""}`;
}

/** The ANPs, priorities 0.. in target order (targets sorted, so adding one moves the later ones by one: an update, never a replacement). */
export function quarantineAdminPolicies(intent: Intent, options: ResolvedK8sOptions): AdminNetworkPolicy[] {
  const entries = [...(intent.quarantine ?? [])].sort((a, b) => (a.target < b.target ? -1 : 1));
  return entries.map((q, priority): AdminNetworkPolicy => {
    const namespace = { matchLabels: { [NAMESPACE_NAME_LABEL]: q.zone } };
    const labels = workloadLabels(intent, q);
    const subject: AdminPeer = labels ? { pods: { namespaceSelector: namespace, podSelector: { matchLabels: { ...labels } } } } : { namespaces: namespace };
    const dns: AdminEgressRule<"Allow">[] =
      q.dns === "keep"
        ? [{
            name: "allow dns (kept by the quarantine)",
            action: "Allow",
            to: [{ pods: { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: options.dns.namespace } }, podSelector: { matchLabels: { ...options.dns.podLabels } } } }],
            ports: [{ portNumber: { protocol: "UDP", port: 53 } }, { portNumber: { protocol: "TCP", port: 53 } }],
          }]
        : [];
    return {
      apiVersion: ADMIN_NETWORK_POLICY_API_VERSION,
      kind: "AdminNetworkPolicy",
      metadata: { name: quarantinePolicyName(intent.name, q), labels: { [TAG.k8s.intent]: intent.name, [TAG.k8s.zone]: q.zone, [TAG.k8s.role]: "quarantine" } },
      spec: {
        priority,
        subject,
        ingress: [{ name: "quarantine: deny all", action: "Deny", from: [{ namespaces: {} }] }],
        egress: [...dns, { name: "quarantine: deny all", action: "Deny", to: [{ namespaces: {} }, { networks: ["0.0.0.0/0", "::/0"] }] }],
      },
    };
  });
}

/** The Istio DENY AuthorizationPolicies (one per target): a rule with no conditions matches every request. */
export function quarantineAuthorizationPolicies(intent: Intent, apiVersion: string): AuthorizationPolicy[] {
  return (intent.quarantine ?? []).map((q): AuthorizationPolicy => {
    const labels = workloadLabels(intent, q);
    return {
      apiVersion,
      kind: "AuthorizationPolicy",
      metadata: { name: q.workload ? `${QUARANTINE_AUTHZ_NAME}-${q.workload}` : QUARANTINE_AUTHZ_NAME, namespace: q.zone, labels: { [TAG.k8s.intent]: intent.name, [TAG.k8s.zone]: q.zone, [TAG.k8s.role]: "quarantine" }, annotations: { [QUARANTINE_ANNOTATION]: note(q) } },
      spec: { ...(labels ? { selector: { matchLabels: { ...labels } } } : {}), action: "DENY", rules: [{}] },
    };
  });
}

/** True when every label of `selector` is one of `labels`: the policy selects every pod carrying `labels`. */
function selectsAll(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

const hasRules = (p: NetworkPolicy) => (p.spec.ingress?.length ?? 0) + (p.spec.egress?.length ?? 0) > 0;

/**
 * The NetworkPolicies with the quarantine laid on (no cluster guardrails): the target's own allow
 * policies emptied in place. Returns the problems that make a target impossible to cut this way.
 */
export function quarantineNetworkPolicies(intent: Intent, policies: readonly NetworkPolicy[], adminOverride: boolean): { policies: NetworkPolicy[]; issues: IntentIssue[] } {
  const issues: IntentIssue[] = [];
  const quarantine = intent.quarantine ?? [];
  const emptied = new Map<NetworkPolicy, Quarantine>();
  quarantine.forEach((q, i) => {
    const labels = workloadLabels(intent, q);
    for (const p of policies) {
      if (p.metadata.namespace !== q.zone || p.metadata.name === DEFAULT_DENY_NAME || !hasRules(p)) continue;
      const isDns = p.metadata.name === DNS_POLICY_NAME;
      if (!labels) {
        if (!(isDns && q.dns === "keep")) emptied.set(p, q);
        continue;
      }
      const selector = p.spec.podSelector.matchLabels;
      if (!selectsAll(selector, labels)) continue;
      if (isDns && q.dns === "keep") continue;
      const own = Object.keys(selector ?? {}).length === Object.keys(labels).length;
      if (own) emptied.set(p, q);
      else if (!adminOverride || p.spec.ingress?.some((r) => r.from.some((peer) => peer.ipBlock))) {
        issues.push({
          path: `quarantine[${i}].target`,
          value: q.target,
          message: `NetworkPolicy ${q.zone}/${p.metadata.name} selects ${q.target}'s pods and others too${isDns ? " (it opens DNS for the whole zone)" : ""}; NetworkPolicies only add allows, so the workload cannot be cut off without cutting the others${adminOverride ? " (the AdminNetworkPolicy cannot close its ingress from address blocks: ANP ingress names pods only)" : ""}`,
          fix: `${adminOverride ? "" : "turn on clusterGuardrails (an AdminNetworkPolicy Deny overrides every NetworkPolicy), "}quarantine the whole zone "${q.zone}"${isDns ? ", or keep its DNS (dns: keep)" : ""}`,
        });
      }
    }
  });
  const out = policies.map((p): NetworkPolicy => {
    const q = emptied.get(p);
    if (!q) return p;
    return {
      ...p,
      metadata: { ...p.metadata, annotations: { ...(p.metadata.annotations ?? {}), [QUARANTINE_ANNOTATION]: note(q) } },
      spec: { podSelector: p.spec.podSelector, policyTypes: p.spec.policyTypes, ...(p.spec.policyTypes.includes("Ingress") ? { ingress: [] } : {}), ...(p.spec.policyTypes.includes("Egress") ? { egress: [] } : {}) },
    };
  });
  return { policies: out, issues };
}

/**
 * The CiliumNetworkPolicies without the quarantined targets' own (their egress allow-lists): like
 * NetworkPolicies they only add allows. A zone-wide one selecting a quarantined workload's pods is
 * refused as for NetworkPolicies.
 */
export function quarantineCiliumPolicies(intent: Intent, policies: readonly CiliumNetworkPolicy[], adminOverride: boolean): { policies: CiliumNetworkPolicy[]; issues: IntentIssue[] } {
  const issues: IntentIssue[] = [];
  const dropped = new Set<CiliumNetworkPolicy>();
  (intent.quarantine ?? []).forEach((q, i) => {
    const labels = workloadLabels(intent, q);
    for (const p of policies) {
      if (p.metadata.namespace !== q.zone) continue;
      if (!labels) {
        dropped.add(p);
        continue;
      }
      const selector = p.spec.endpointSelector.matchLabels;
      if (!selectsAll(selector, labels)) continue;
      if (Object.keys(selector ?? {}).length === Object.keys(labels).length) dropped.add(p);
      else if (!adminOverride) {
        issues.push({
          path: `quarantine[${i}].target`,
          value: q.target,
          message: `CiliumNetworkPolicy ${q.zone}/${p.metadata.name} (the zone's egress allow-list) selects ${q.target}'s pods and others too; it only adds allows, so the workload cannot be cut off without cutting the others`,
          fix: `turn on clusterGuardrails (an AdminNetworkPolicy Deny overrides it), or quarantine the whole zone "${q.zone}"`,
        });
      }
    }
  });
  return { policies: policies.filter((p) => !dropped.has(p)), issues };
}
