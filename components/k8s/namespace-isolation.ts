/**
 * `NamespaceIsolation`: one segmentation intent as Kubernetes namespace isolation. Every zone
 * netseg manages becomes a labelled namespace (zone marks, Pod Security admission) with a
 * default deny both ways, DNS egress to kube-dns, and one NetworkPolicy per flow target; Istio
 * mode adds STRICT mTLS and AuthorizationPolicies by service-account principal; Cilium mode writes
 * each flow target's rules as a CiliumNetworkPolicy instead (default deny and DNS stay
 * NetworkPolicies) and the egress allow-lists as toFQDNs policies. Zones with `managed: false` (ingress-nginx,
 * kube-system) are only referenced. `clusterGuardrails` adds AdminNetworkPolicies and the
 * BaselineAdminNetworkPolicy that namespace owners cannot override (core/rules/k8s/guardrails.ts
 * explains the design: Pass for declared flows, Deny for every other path between zones).
 *
 * The plan is computed and validated before the component registers anything, so a name
 * Kubernetes would refuse, an Istio source without a service account or a bad option creates
 * nothing and fails with one IntentError.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { planK8s, k8sFlowTuples, type K8sOptions, type K8sPlan } from "../../core/rules/k8s";
import type { Intent } from "../../core/intent";
import { createK8sObjects, type K8sResources } from "./create";
import { resolveIntent, type IntentArg } from "./intent-arg";

export interface NamespaceIsolationArgs extends K8sOptions {
  /** The intent: a YAML/JSON file path, the document as written, or a parsed Intent. */
  readonly intent: IntentArg;
  /** The cluster to deploy to; default the ambient kubeconfig's. */
  readonly provider?: k8s.Provider;
}

/** The guardrails as outputs, only when they are on (a stack without them keeps its outputs unchanged). */
export function guardrailOutputs(plan: K8sPlan): { clusterGuardrails?: { adminNetworkPolicies: string[]; baselineAdminNetworkPolicy?: string } } {
  if (!plan.options.clusterGuardrails) return {};
  const anps = (plan.adminNetworkPolicies ?? []).map((p) => p.metadata.name);
  return { clusterGuardrails: { adminNetworkPolicies: anps, ...(plan.baselineAdminNetworkPolicy ? { baselineAdminNetworkPolicy: plan.baselineAdminNetworkPolicy.metadata.name } : {}) } };
}

export class NamespaceIsolation extends pulumi.ComponentResource {
  readonly intent: Intent;
  readonly plan: K8sPlan;
  readonly resources: K8sResources;
  /** The managed namespaces' names, as created (an output, so dependants wait for them). */
  readonly namespaceNames: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: NamespaceIsolationArgs, opts?: pulumi.ComponentResourceOptions) {
    const { intent: intentArg, provider, ...options } = args;
    const intent = resolveIntent(intentArg);
    const plan = planK8s(intent, options);
    super("netseg:k8s:NamespaceIsolation", name, {}, opts);
    this.intent = intent;
    this.plan = plan;
    this.resources = createK8sObjects(name, plan, this, provider);
    this.namespaceNames = Object.fromEntries(Object.entries(this.resources.namespaces).map(([zone, ns]) => [zone, ns.metadata.name]));
    this.registerOutputs({ namespaceNames: this.namespaceNames, flowTuples: k8sFlowTuples(plan, intent), intent, ...guardrailOutputs(plan) });
  }
}
