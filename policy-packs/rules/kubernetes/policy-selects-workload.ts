/**
 * Passing condition: a NetworkPolicy with a pod selector selects at least one workload the stack
 * deploys in its namespace; a policy that selects nothing is dead, usually a label typo.
 * Policies selecting every pod (default-denies) and namespaces without workloads in the stack
 * are not judged.
 */
import { z } from "zod";
import { isEmptySelector, K8S_TYPES, selects, UNKNOWN } from "../../../core/resources";
import { stackRule } from "../define";
import { policiesOf, workloadsOf } from "./view";

export const policySelectsWorkloadConfig = z.object({});

export const policySelectsWorkload = stackRule({
  name: "netseg-k8s-policy-selects-workload",
  description: "Every NetworkPolicy with a pod selector selects at least one workload deployed by the stack in its namespace.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps: "Fix the policy's podSelector to match the labels of the workload it is meant for, or delete the policy.",
  config: policySelectsWorkloadConfig,
  covers: { rows: [27], ids: ["KICS 85ab1c5b", "Trivy KSV-0038"] },
  types: [K8S_TYPES.networkPolicy],
  check: (stack, _cfg, report) => {
    const workloads = workloadsOf(stack);
    for (const { resource, policy } of policiesOf(stack)) {
      if (policy.namespace === UNKNOWN || isEmptySelector(policy.podSelector)) continue;
      const inNs = workloads.filter((w) => w.namespace === policy.namespace || w.namespace === UNKNOWN);
      if (inNs.length === 0) continue;
      if (inNs.some((w) => selects(policy.podSelector, w.template.labels, w.template.labelsComplete) !== false)) continue;
      report(`NetworkPolicy ${policy.name} in namespace ${String(policy.namespace)} selects none of the namespace's workloads (${inNs.map((w) => w.name).join(", ")})`, resource.urn);
    }
  },
});
