/**
 * Passing condition: pods whose egress a NetworkPolicy isolates may still reach kube-dns on
 * UDP 53 and TCP 53 (large answers and retries use TCP), through some policy of their namespace
 * that selects at least the same pods; otherwise a default-deny egress breaks every lookup.
 */
import { z } from "zod";
import { TrafficSet } from "../../../core/net";
import { isEmptySelector, isObject, K8S_TYPES, selects, stringMap, UNKNOWN, type NetworkPolicy, type NetworkPolicyPeer, type Plain } from "../../../core/resources";
import { stackRule } from "../define";
import { policiesOf, workloadsOf } from "./view";

export const egressAllowsDnsConfig = z.object({
  dnsNamespace: z.string().default("kube-system").describe("Namespace of the cluster DNS."),
  dnsPodLabels: z.record(z.string(), z.string()).default({ "k8s-app": "kube-dns" }).describe("Labels of the cluster DNS pods."),
});

type Cfg = z.output<typeof egressAllowsDnsConfig>;

function peerReachesDns(p: NetworkPolicyPeer, cfg: Cfg): boolean {
  if (p.ipBlock) return false;
  const nsLabels = { "kubernetes.io/metadata.name": cfg.dnsNamespace };
  const nsOk = p.namespaceSelector === undefined ? false : selects(p.namespaceSelector, nsLabels) === true;
  const podOk = selects(p.podSelector, cfg.dnsPodLabels) === true;
  return nsOk && podOk;
}

/** Labels that any pod selected by `sel` must carry (its matchLabels), for a conservative cover test. */
function required(sel: Plain): Record<string, string> {
  return isObject(sel) ? stringMap(sel.matchLabels).known : {};
}

/** Does `q` select every pod `p` selects? Sound: only empty selectors and matchLabels subsets. */
function covers(q: NetworkPolicy, p: NetworkPolicy): boolean {
  if (q.namespace !== p.namespace) return false;
  if (isEmptySelector(q.podSelector)) return true;
  if (!isObject(q.podSelector) || (Array.isArray(q.podSelector.matchExpressions) && q.podSelector.matchExpressions.length > 0)) return q === p;
  return selects(q.podSelector, required(p.podSelector)) === true;
}

const DNS = TrafficSet.fromSpecs([{ protocol: "udp", from: 53, to: 53 }, { protocol: "tcp", from: 53, to: 53 }]);

/** DNS traffic the given egress policies allow; `unsure` when an unknown part might allow more. */
function dnsAllowed(policies: readonly NetworkPolicy[], cfg: Cfg): { allowed: TrafficSet; unsure: boolean } {
  let allowed = TrafficSet.EMPTY;
  let unsure = false;
  for (const q of policies) {
    if (!q.rulesComplete) unsure = true;
    for (const rule of q.egress) {
      if (!rule.peersComplete || !rule.trafficComplete) unsure = true;
      if (rule.peers === "all" || rule.peers.some((p) => peerReachesDns(p, cfg))) allowed = allowed.union(rule.traffic);
    }
  }
  return { allowed, unsure };
}

export const egressAllowsDns = stackRule({
  name: "netseg-k8s-egress-allows-dns",
  description: "Pods whose egress is isolated can still reach kube-dns on UDP 53 and TCP 53.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps: "Add an egress rule to the namespace's policy allowing UDP 53 and TCP 53 to the DNS pods (dnsNamespace and dnsPodLabels).",
  config: egressAllowsDnsConfig,
  covers: { rows: [29], ids: ["Cyclonus CheckDNSBlockedOnUDP"] },
  types: [K8S_TYPES.networkPolicy],
  check: (stack, cfg, report) => {
    const egress = policiesOf(stack).filter((p) => p.policy.policyTypes.includes("Egress"));
    const workloads = workloadsOf(stack);
    // Workloads in the stack: judged exactly, by the policies that select their pods.
    for (const w of workloads) {
      const matches = egress.filter((p) => p.policy.namespace === w.namespace).map((p) => ({ ...p, m: selects(p.policy.podSelector, w.template.labels, w.template.labelsComplete) }));
      const selecting = matches.filter((x) => x.m === true);
      if (selecting.length === 0) continue;
      const { allowed, unsure } = dnsAllowed(selecting.map((x) => x.policy), cfg);
      const missing = DNS.subtract(allowed);
      if (missing.isEmpty() || unsure || matches.some((x) => x.m === UNKNOWN)) continue;
      report(`workload ${w.name} in namespace ${String(w.namespace)} has egress isolated by ${selecting.map((x) => x.policy.name).join(", ")} but ${missing} to kube-dns (${cfg.dnsNamespace}) is not allowed`, w.resource.urn);
    }
    // Namespaces without workloads in the stack: each isolating policy must come with DNS for the same pods.
    const withWorkloads = new Set(workloads.map((w) => w.namespace));
    for (const { resource, policy } of egress) {
      if (policy.namespace === UNKNOWN || withWorkloads.has(policy.namespace)) continue;
      const { allowed, unsure } = dnsAllowed(egress.map((x) => x.policy).filter((q) => covers(q, policy)), cfg);
      const missing = DNS.subtract(allowed);
      if (missing.isEmpty() || unsure) continue;
      report(`NetworkPolicy ${policy.name} in namespace ${String(policy.namespace)} isolates egress but ${missing} to kube-dns (${cfg.dnsNamespace}) is not allowed for its pods`, resource.urn);
    }
  },
});
