/**
 * Registers a Kubernetes plan as resources: typed Namespace and NetworkPolicy resources, and
 * CustomResources for Istio and Cilium and for the cluster guardrails (cluster-scoped, children
 * of the component). Logical names come only from the namespace and object
 * names (stable keys); every namespaced object is a child of its Namespace and takes the
 * namespace name from it, so it is created after, and deleted before, its namespace.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { K8sPlan } from "../../core/rules/k8s";

export interface K8sResources {
  /** By namespace name. */
  readonly namespaces: Readonly<Record<string, k8s.core.v1.Namespace>>;
  /** By `<namespace>/<name>`. */
  readonly networkPolicies: Readonly<Record<string, k8s.networking.v1.NetworkPolicy>>;
  /** By `<namespace>/<Kind>/<name>` (PeerAuthentication, AuthorizationPolicy, CiliumNetworkPolicy). */
  readonly customResources: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
  /**
   * Cluster-scoped guardrails by `<Kind>/<name>` (AdminNetworkPolicy, BaselineAdminNetworkPolicy);
   * empty without `clusterGuardrails`. @pulumi/kubernetes has no typed class for them.
   */
  readonly clusterResources: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
}

export function createK8sObjects(name: string, plan: K8sPlan, parent: pulumi.Resource, provider?: k8s.Provider): K8sResources {
  const namespaces: Record<string, k8s.core.v1.Namespace> = {};
  for (const ns of plan.namespaces) {
    namespaces[ns.metadata.name] = new k8s.core.v1.Namespace(`${name}-${ns.metadata.name}`, { metadata: { name: ns.metadata.name, labels: ns.metadata.labels } }, { parent, provider });
  }
  const under = (namespace: string) => {
    const owner = namespaces[namespace];
    if (!owner) throw new Error(`internal: ${namespace} is not a namespace of the plan`);
    return { owner, opts: { parent: owner, provider } };
  };

  const networkPolicies: Record<string, k8s.networking.v1.NetworkPolicy> = {};
  for (const np of plan.networkPolicies) {
    const { owner, opts } = under(np.metadata.namespace);
    networkPolicies[`${np.metadata.namespace}/${np.metadata.name}`] = new k8s.networking.v1.NetworkPolicy(
      `${name}-${np.metadata.namespace}-${np.metadata.name}`,
      { metadata: { ...np.metadata, namespace: owner.metadata.name }, spec: np.spec as k8s.types.input.networking.v1.NetworkPolicySpec },
      opts,
    );
  }

  const customResources: Record<string, k8s.apiextensions.CustomResource> = {};
  for (const cr of [...plan.peerAuthentications, ...plan.authorizationPolicies, ...plan.ciliumNetworkPolicies]) {
    const { owner, opts } = under(cr.metadata.namespace);
    customResources[`${cr.metadata.namespace}/${cr.kind}/${cr.metadata.name}`] = new k8s.apiextensions.CustomResource(
      `${name}-${cr.metadata.namespace}-${cr.kind.toLowerCase()}-${cr.metadata.name}`,
      { apiVersion: cr.apiVersion, kind: cr.kind, metadata: { ...cr.metadata, namespace: owner.metadata.name }, spec: cr.spec },
      opts,
    );
  }

  // Cluster-scoped: children of the component, created after the namespaces they select (a
  // guardrail selecting no namespace yet would be harmless, but the order reads better in a preview).
  const clusterResources: Record<string, k8s.apiextensions.CustomResource> = {};
  for (const cr of [...(plan.adminNetworkPolicies ?? []), ...(plan.baselineAdminNetworkPolicy ? [plan.baselineAdminNetworkPolicy] : [])]) {
    clusterResources[`${cr.kind}/${cr.metadata.name}`] = new k8s.apiextensions.CustomResource(
      `${name}-${cr.kind.toLowerCase()}-${cr.metadata.name}`,
      { apiVersion: cr.apiVersion, kind: cr.kind, metadata: cr.metadata, spec: cr.spec },
      { parent, provider, dependsOn: Object.values(namespaces) },
    );
  }
  return { namespaces, networkPolicies, customResources, clusterResources };
}
