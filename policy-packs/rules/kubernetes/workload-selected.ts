/**
 * Passing condition: every workload's pods are selected by at least one NetworkPolicy of their
 * namespace; a pod no policy selects is not isolated at all.
 */
import { z } from "zod";
import { selects, UNKNOWN } from "../../../core/resources";
import { label, stackRule } from "../define";
import { policiesOf, SYSTEM_NAMESPACES, WORKLOAD_TYPES, workloadsOf } from "./view";

export const workloadSelectedConfig = z.object({
  exemptNamespaces: z.array(z.string()).default(SYSTEM_NAMESPACES).describe("Namespaces whose workloads need no policy."),
});

export const workloadSelected = stackRule({
  name: "netseg-k8s-workload-selected",
  description: "Every workload's pods are selected by at least one NetworkPolicy in their namespace.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps: "Add a NetworkPolicy whose podSelector matches the workload's pod labels in its namespace (netseg's k8s components create one per workload).",
  config: workloadSelectedConfig,
  covers: { rows: [26], ids: ["Checkov", "KICS"] },
  types: WORKLOAD_TYPES,
  check: (stack, cfg, report) => {
    const policies = policiesOf(stack);
    for (const w of workloadsOf(stack)) {
      if (w.namespace === UNKNOWN || cfg.exemptNamespaces.includes(w.namespace as string)) continue;
      const inNs = policies.filter((p) => p.policy.namespace === w.namespace || p.policy.namespace === UNKNOWN);
      // Selected, or perhaps selected (unknown selector, labels or namespace): not a certain finding.
      if (inNs.some((p) => selects(p.policy.podSelector, w.template.labels, w.template.labelsComplete) !== false)) continue;
      const labels = Object.entries(w.template.labels).map(([k, v]) => `${k}=${v}`).join(",") || "no labels";
      report(`workload ${label(w.resource)} in namespace ${String(w.namespace)} (${labels}) is selected by no NetworkPolicy`, w.resource.urn);
    }
  },
});
