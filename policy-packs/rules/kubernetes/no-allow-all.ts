/**
 * Passing condition: no NetworkPolicy rule cancels isolation: a rule with neither peers nor
 * ports (everything), a peer selecting every pod of every namespace, or an ipBlock covering the
 * whole internet without exceptions. CIDRs are judged as ranges.
 */
import { z } from "zod";
import { isEmptySelector, K8S_TYPES, normaliseNetworkPolicy, type NetworkPolicyRule } from "../../../core/resources";
import { label, resourceRule } from "../define";

export const noAllowAllConfig = z.object({});

function problems(rule: NetworkPolicyRule): string[] {
  if (rule.peers === "all") return rule.anyPort ? ["allows every peer on every port"] : [];
  const out: string[] = [];
  for (const p of rule.peers) {
    if (p.ipBlock && p.ipBlock.complete && p.ipBlock.cidrs.subtract(p.ipBlock.except).isWorld()) out.push(`ipBlock ${p.ipBlock.cidrs} is the whole internet with no except`);
    if (!p.ipBlock && !p.unknown && p.namespaceSelector !== undefined && isEmptySelector(p.namespaceSelector) && isEmptySelector(p.podSelector)) out.push("a peer selects every pod in every namespace");
  }
  return out;
}

export const noAllowAll = resourceRule({
  name: "netseg-k8s-no-allow-all",
  description: "No NetworkPolicy rule allows everything, every pod of every namespace, or the whole internet through an ipBlock without except.",
  enforcementLevel: "mandatory",
  severity: "high",
  config: noAllowAllConfig,
  covers: { rows: [28], ids: ["Cyclonus lint", "Trivy KUBE-0001", "Trivy KUBE-0002"] },
  types: [K8S_TYPES.networkPolicy],
  check: (r, _cfg, report) => {
    const p = normaliseNetworkPolicy(r.props, r.name);
    for (const [dir, rules] of [["ingress", p.ingress], ["egress", p.egress]] as const) {
      rules.forEach((rule, i) => {
        for (const m of problems(rule)) report(`NetworkPolicy ${label(r)} in namespace ${String(p.namespace)}: ${dir}[${i}] ${m} (${rule.traffic})`);
      });
    }
  },
});
