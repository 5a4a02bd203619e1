/**
 * Passing condition: no AdminNetworkPolicy allows traffic from every namespace into a sensitive
 * zone's namespace (marked `netseg.dev/sensitive: "true"`, or listed): neither an ingress Allow
 * whose peer is every namespace on a subject that takes in the sensitive namespace, nor an egress
 * Allow from a subject of every namespace to it. An ANP Allow is final: no NetworkPolicy of the
 * namespace can narrow it, so such a rule opens the zone to every workload of the cluster.
 */
import { z } from "zod";
import { field, K8S_TYPES } from "../../../core/resources";
import { TAG } from "../../../core/tags";
import { stackRule } from "../define";
import { ADMIN_TYPES, adminLabel, namespaceEntries, peerIsEveryNamespace, peerSelectsNamespace, portsText, rulesOf, type NamespaceEntry } from "./admin-view";

export const adminAllowSensitiveFromAllConfig = z.object({
  sensitiveNamespaces: z.array(z.string()).default([]).describe("Namespaces treated as sensitive besides those labelled netseg.dev/sensitive=true."),
});

function sensitive(namespaces: NamespaceEntry[], extra: readonly string[]): NamespaceEntry[] {
  const marked = namespaces.filter((n) => n.labels[TAG.k8s.sensitive] === "true" || extra.includes(n.name));
  // A listed namespace the stack does not declare is still judged, by its name alone.
  const declared = new Set(namespaces.map((n) => n.name));
  const listed = extra.filter((n) => !declared.has(n)).map((name) => ({ name, labels: { "kubernetes.io/metadata.name": name }, labelsComplete: false }));
  return [...marked, ...listed];
}

function everyText(kind: boolean | "pods"): string {
  return kind === "pods" ? "pods of every namespace (any namespace may run pods with those labels)" : "every namespace";
}

export const adminAllowSensitiveFromAll = stackRule({
  name: "netseg-k8s-admin-allow-sensitive-from-all",
  description: "No AdminNetworkPolicy allows traffic from every namespace into a sensitive zone's namespace.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Name the namespaces (or pods) that may reach the sensitive zone in the rule's peer, or use Pass so that the zone's NetworkPolicies decide; never an empty namespace selector with Allow.",
  config: adminAllowSensitiveFromAllConfig,
  covers: { rows: [28], ids: ["network-policy-api v1alpha1"] },
  types: [ADMIN_TYPES.anp],
  check: (stack, cfg, report) => {
    const targets = sensitive(namespaceEntries(stack, K8S_TYPES.namespace), cfg.sensitiveNamespaces);
    if (targets.length === 0) return;
    for (const anp of stack.ofType(ADMIN_TYPES.anp)) {
      const subject = field(anp.props.spec, "subject");
      const ingress = rulesOf(anp, "ingress");
      for (const rule of ingress.rules.filter((r) => r.action === "Allow")) {
        const every = rule.peers.unknown ? false : rule.peers.known.length === 0 ? true : rule.peers.known.map(peerIsEveryNamespace).find((k) => k !== false) ?? false;
        if (every === false) continue;
        for (const ns of targets) {
          if (peerSelectsNamespace(subject, ns) !== true) continue;
          report(`${adminLabel(anp)} ingress[${rule.index}]${rule.name ? ` ("${rule.name}")` : ""} allows ${everyText(every)} into sensitive namespace ${ns.name} on ${portsText(rule.ports)}`, anp.urn);
        }
      }
      const subjectEvery = peerIsEveryNamespace(subject);
      if (subjectEvery === false) continue;
      for (const rule of rulesOf(anp, "egress").rules.filter((r) => r.action === "Allow" && !r.peers.unknown)) {
        for (const ns of targets) {
          const reaches = rule.peers.known.length === 0 || rule.peers.known.some((p) => peerSelectsNamespace(p, ns) === true);
          if (reaches) report(`${adminLabel(anp)} egress[${rule.index}]${rule.name ? ` ("${rule.name}")` : ""} allows ${everyText(subjectEvery)} out to sensitive namespace ${ns.name} on ${portsText(rule.ports)}`, anp.urn);
        }
      }
    }
  },
});
