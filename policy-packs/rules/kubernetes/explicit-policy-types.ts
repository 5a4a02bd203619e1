/**
 * Passing condition: a NetworkPolicy states its policyTypes and every port entry states its
 * protocol, so that neither depends on Kubernetes' defaulting (Egress silently dropped when a
 * policy has no egress rules yet; TCP assumed for a DNS port meant as UDP).
 */
import { z } from "zod";
import { K8S_TYPES, normaliseNetworkPolicy } from "../../../core/resources";
import { label, resourceRule } from "../define";

export const explicitPolicyTypesConfig = z.object({});

export const explicitPolicyTypes = resourceRule({
  name: "netseg-k8s-explicit-policy-types",
  description: "Every NetworkPolicy lists its policyTypes and every port entry names its protocol.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps: "List policyTypes (Ingress, Egress or both) on every NetworkPolicy and set protocol on every port entry.",
  config: explicitPolicyTypesConfig,
  covers: { rows: [30], ids: ["Cyclonus lint"] },
  types: [K8S_TYPES.networkPolicy],
  check: (r, _cfg, report) => {
    const p = normaliseNetworkPolicy(r.props, r.name);
    if (!p.policyTypesExplicit) report(`NetworkPolicy ${label(r)} has no policyTypes; Kubernetes assumes [${p.policyTypes.join(", ")}]`);
    for (const [dir, rules] of [["ingress", p.ingress], ["egress", p.egress]] as const) {
      rules.forEach((rule, i) => rule.portsWithoutProtocol.forEach((j) => report(`NetworkPolicy ${label(r)} ${dir}[${i}].ports[${j}] has no protocol; Kubernetes assumes TCP`)));
    }
  },
});
