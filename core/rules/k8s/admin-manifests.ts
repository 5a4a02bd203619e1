/**
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1, the SIG
 * Network API) as plain data shaped like the API objects. Both are cluster-scoped; the BANP is
 * a singleton that must be named `default`. Only the fields netseg sets are typed.
 */

export const ADMIN_NETWORK_POLICY_API_VERSION = "policy.networking.k8s.io/v1alpha1";
/** The only name the API server accepts for the BaselineAdminNetworkPolicy. */
export const BASELINE_ADMIN_NETWORK_POLICY_NAME = "default";
/** The API's limits: priorities 0..1000, at most 100 rules per direction, rule names of 100 characters. */
export const ANP_MAX_PRIORITY = 1000;
export const ANP_MAX_RULES = 100;
export const ANP_MAX_RULE_NAME = 100;

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values?: readonly string[];
}

/** A full LabelSelector (the guardrails need matchExpressions). */
export interface FullLabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** Subject or peer: every pod of the selected namespaces, or the selected pods of the selected namespaces. */
export type AdminPeer =
  | { readonly namespaces: FullLabelSelector }
  | { readonly pods: { readonly namespaceSelector: FullLabelSelector; readonly podSelector: FullLabelSelector } }
  /** Egress only: destinations outside the cluster by CIDR. */
  | { readonly networks: readonly string[] };

export type AdminPort =
  | { readonly portNumber: { readonly protocol: "TCP" | "UDP" | "SCTP"; readonly port: number } }
  | { readonly portRange: { readonly protocol: "TCP" | "UDP" | "SCTP"; readonly start: number; readonly end: number } };

export interface AdminIngressRule<A extends string> {
  readonly name: string;
  readonly action: A;
  readonly from: readonly AdminPeer[];
  /** Absent: every port of every protocol. */
  readonly ports?: readonly AdminPort[];
}

export interface AdminEgressRule<A extends string> {
  readonly name: string;
  readonly action: A;
  readonly to: readonly AdminPeer[];
  readonly ports?: readonly AdminPort[];
}

interface ClusterMeta {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type AdminAction = "Allow" | "Deny" | "Pass";
export type BaselineAction = "Allow" | "Deny";

export interface AdminNetworkPolicy {
  readonly apiVersion: typeof ADMIN_NETWORK_POLICY_API_VERSION;
  readonly kind: "AdminNetworkPolicy";
  readonly metadata: ClusterMeta;
  readonly spec: {
    /** Lower numbers are evaluated first. */
    readonly priority: number;
    readonly subject: AdminPeer;
    readonly ingress: readonly AdminIngressRule<AdminAction>[];
    readonly egress: readonly AdminEgressRule<AdminAction>[];
  };
}

export interface BaselineAdminNetworkPolicy {
  readonly apiVersion: typeof ADMIN_NETWORK_POLICY_API_VERSION;
  readonly kind: "BaselineAdminNetworkPolicy";
  readonly metadata: ClusterMeta;
  readonly spec: {
    readonly subject: AdminPeer;
    readonly ingress: readonly AdminIngressRule<BaselineAction>[];
    readonly egress: readonly AdminEgressRule<BaselineAction>[];
  };
}
