/**
 * `TenantNamespaces`: the tenants of an intent on one shared cluster. Each tenant gets the
 * template's zones as namespaces `<tenant>-<zone>` (labelled with the tenant), the shared-services
 * zones become `shared-<zone>`, every tenant zone reaches them on the shared ports, and nothing is
 * declared across tenants; then the same objects as `NamespaceIsolation` (default deny, DNS, one
 * NetworkPolicy per flow target, Istio, Cilium). Cluster guardrails are on by default here: a
 * per-tenant AdminNetworkPolicy denying every other tenant's namespaces, the per-zone ones and the
 * BaselineAdminNetworkPolicy (core/rules/k8s/guardrails.ts); `clusterGuardrails: false` turns them off.
 *
 * A component of its own rather than a mode of NamespaceIsolation: a NamespaceIsolation given an
 * intent with tenants plans its top-level zones only, and existing stacks keep that plan. Names come
 * from tenant and zone names alone, so adding a tenant adds resources and renames none.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { planK8sTenants, k8sFlowTuples, k8sTenantLayout, tenantNamespace, type K8sOptions, type K8sPlan } from "../../core/rules/k8s";
import type { Intent } from "../../core/intent";
import { createK8sObjects, type K8sResources } from "./create";
import { resolveIntent, type IntentArg } from "./intent-arg";
import { guardrailOutputs } from "./namespace-isolation";

export interface TenantNamespacesArgs extends K8sOptions {
  /** The intent, with a `tenants` section: a YAML/JSON file path, the document as written, or a parsed Intent. */
  readonly intent: IntentArg;
  /** The cluster to deploy to; default the ambient kubeconfig's. */
  readonly provider?: k8s.Provider;
}

export class TenantNamespaces extends pulumi.ComponentResource {
  readonly intent: Intent;
  readonly plan: K8sPlan;
  readonly resources: K8sResources;
  /** Namespace names by tenant, then template zone. */
  readonly tenantNamespaces: Readonly<Record<string, Readonly<Record<string, pulumi.Output<string>>>>>;

  constructor(name: string, args: TenantNamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
    const { intent: intentArg, provider, ...options } = args;
    const intent = resolveIntent(intentArg);
    if (!intent.tenants) throw new Error(`TenantNamespaces ${name}: intent "${intent.name}" has no tenants section; use NamespaceIsolation for an intent without tenants`);
    const plan = planK8sTenants(intent, options);
    const layout = k8sTenantLayout(intent);
    super("netseg:k8s:TenantNamespaces", name, {}, opts);
    this.intent = intent;
    this.plan = plan;
    this.resources = createK8sObjects(name, plan, this, provider);
    const tenants = intent.tenants;
    this.tenantNamespaces = Object.fromEntries(
      tenants.members.map((m) => [m.name, Object.fromEntries(tenants.zones.map((z) => [z.name, this.resources.namespaces[tenantNamespace(m.name, z.name)].metadata.name]))]),
    );
    // The intent as the cluster sees it (tenant zones as plain zones), so `netseg preview` can hold the matrix against it.
    this.registerOutputs({ tenantNamespaces: this.tenantNamespaces, flowTuples: k8sFlowTuples(plan, layout.intent), intent: layout.intent, ...guardrailOutputs(plan) });
  }
}
