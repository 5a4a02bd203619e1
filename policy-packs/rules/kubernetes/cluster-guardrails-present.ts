/**
 * Passing condition: every namespace netseg marked for cluster guardrails (label
 * `netseg.dev/guardrails`) is the subject of an AdminNetworkPolicy in the stack and, when marked
 * `anp-banp`, of the cluster's BaselineAdminNetworkPolicy, which exists once and is named
 * `default` (the only name the API server accepts). The mark is set by NamespaceIsolation's
 * `clusterGuardrails` option; `anp` means another stack owns the BANP.
 */
import { z } from "zod";
import { field, K8S_TYPES, str, type StackResource } from "../../../core/resources";
import { GUARDRAILS_LABEL, GUARDRAILS_MARK } from "../../../core/rules/k8s";
import { stackRule } from "../define";
import { ADMIN_TYPES, adminLabel, namespaceEntries, peerSelectsNamespace } from "./admin-view";

export const clusterGuardrailsPresentConfig = z.object({});

export const clusterGuardrailsPresent = stackRule({
  name: "netseg-k8s-cluster-guardrails-present",
  description: "Every namespace marked for cluster guardrails is the subject of an AdminNetworkPolicy and, unless the BaselineAdminNetworkPolicy is owned elsewhere, of the BaselineAdminNetworkPolicy named default.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Keep the AdminNetworkPolicies and the BaselineAdminNetworkPolicy that NamespaceIsolation's clusterGuardrails option creates (do not filter them out with a transformation), name the BANP default, or set clusterGuardrails.baseline to false when another stack owns the BANP.",
  config: clusterGuardrailsPresentConfig,
  covers: { rows: [25], ids: ["network-policy-api v1alpha1"] },
  types: [K8S_TYPES.namespace],
  check: (stack, _cfg, report) => {
    const marked = namespaceEntries(stack, K8S_TYPES.namespace).filter((n) => n.labels[GUARDRAILS_LABEL] !== undefined);
    if (marked.length === 0) return;
    const anps = stack.ofType(ADMIN_TYPES.anp);
    const banps = stack.ofType(ADMIN_TYPES.banp);
    // A BANP of unknown name may still be "default".
    const nameOf = (b: StackResource) => str(field(b.props.metadata, "name"));
    for (const b of banps) {
      const name = nameOf(b);
      if (typeof name === "string" && name !== "default") report(`${adminLabel(b)} is not named default: the API server accepts only "default" for the cluster's one BaselineAdminNetworkPolicy`, b.urn);
    }
    const defaults = banps.filter((b) => typeof nameOf(b) !== "string" || nameOf(b) === "default");
    // The cluster holds one: a second one (two NamespaceIsolations with clusterGuardrails, say) would fight over it.
    const named = defaults.filter((b) => nameOf(b) === "default");
    if (named.length > 1) report(`${named.length} BaselineAdminNetworkPolicies named default in one stack (${named.map((b) => b.name).join(", ")}): the cluster holds one, so each would overwrite the other; keep one and set clusterGuardrails.baseline to false on the other components`, named[1].urn);
    const subjectOf = (r: StackResource) => field(r.props.spec, "subject");
    for (const ns of marked) {
      const mark = ns.labels[GUARDRAILS_LABEL];
      if (!anps.some((a) => peerSelectsNamespace(subjectOf(a), ns) !== false)) {
        report(`namespace ${ns.name} is marked ${GUARDRAILS_LABEL}=${mark} but no AdminNetworkPolicy in the stack takes it in as its subject`, ns.resource?.urn);
      }
      if (mark !== GUARDRAILS_MARK.withBaseline) continue;
      if (defaults.length === 0) report(`namespace ${ns.name} is marked ${GUARDRAILS_LABEL}=${mark} but the stack declares no BaselineAdminNetworkPolicy named default`, ns.resource?.urn);
      else if (!defaults.some((b) => peerSelectsNamespace(subjectOf(b), ns) !== false)) report(`namespace ${ns.name} is marked ${GUARDRAILS_LABEL}=${mark} but the BaselineAdminNetworkPolicy default does not take it in as its subject`, ns.resource?.urn);
    }
  },
});
