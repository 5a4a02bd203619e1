/**
 * Passing condition: every namespace the stack declares or deploys into has a default-deny for
 * both ingress and egress: a policy selecting every pod, with that direction in its policyTypes
 * and no rule for it. Without it, any pod no other policy selects is open both ways.
 */
import { z } from "zod";
import { isEmptySelector, K8S_TYPES } from "../../../core/resources";
import { stackRule } from "../define";
import { namespacesOf, policiesOf, SYSTEM_NAMESPACES, WORKLOAD_TYPES } from "./view";

export const namespaceDefaultDenyConfig = z.object({
  exemptNamespaces: z.array(z.string()).default(SYSTEM_NAMESPACES).describe("Namespaces that need no default-deny."),
});

export const namespaceDefaultDeny = stackRule({
  name: "netseg-k8s-namespace-default-deny",
  description: "Every namespace has a NetworkPolicy that selects all pods and denies both ingress and egress by default.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Add a NetworkPolicy with an empty podSelector and policyTypes [Ingress, Egress] and no rules to the namespace, then allow its flows with further policies.",
  config: namespaceDefaultDenyConfig,
  covers: { rows: [25], ids: ["CKV2_K8S_6", "KICS 0401f71b"] },
  types: [K8S_TYPES.namespace, ...WORKLOAD_TYPES],
  check: (stack, cfg, report) => {
    const policies = policiesOf(stack);
    for (const ns of namespacesOf(stack)) {
      if (cfg.exemptNamespaces.includes(ns)) continue;
      const denies = (d: "Ingress" | "Egress") =>
        policies.some(({ policy: p }) => p.namespace === ns && isEmptySelector(p.podSelector) && p.policyTypes.includes(d) && p.rulesComplete && (d === "Ingress" ? p.ingress : p.egress).length === 0);
      const missing = (["Ingress", "Egress"] as const).filter((d) => !denies(d));
      if (missing.length > 0) report(`namespace ${ns} has no default-deny NetworkPolicy for ${missing.join(" and ")} (podSelector {} with policyTypes [${missing.join(", ")}] and no rules)`);
    }
  },
});
