/**
 * The Kubernetes objects netseg plans, as plain data shaped exactly like the API objects
 * (`kubectl apply` would accept them as YAML). Only the fields netseg sets are typed, so a test
 * can compare a planned object with a hand-written manifest field by field.
 */
import type { AdminNetworkPolicy, BaselineAdminNetworkPolicy } from "./admin-manifests";

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
}

export interface IPBlock {
  readonly cidr: string;
  readonly except?: readonly string[];
}

/** One peer: the selectors inside one peer are ANDed; separate peers are ORed. */
export interface NetworkPolicyPeer {
  readonly namespaceSelector?: LabelSelector;
  readonly podSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

export interface NetworkPolicyPort {
  readonly protocol: "TCP" | "UDP" | "SCTP";
  readonly port?: number;
  readonly endPort?: number;
}

export interface NetworkPolicyIngressRule {
  readonly from: readonly NetworkPolicyPeer[];
  /** Absent: every port of every protocol (an `all` flow). */
  readonly ports?: readonly NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  readonly to: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}

export interface NetworkPolicy {
  readonly apiVersion: "networking.k8s.io/v1";
  readonly kind: "NetworkPolicy";
  readonly metadata: ObjectMeta & { readonly namespace: string };
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes: readonly ("Ingress" | "Egress")[];
    readonly ingress?: readonly NetworkPolicyIngressRule[];
    readonly egress?: readonly NetworkPolicyEgressRule[];
  };
}

export interface Namespace {
  readonly apiVersion: "v1";
  readonly kind: "Namespace";
  readonly metadata: ObjectMeta;
}

export interface PeerAuthentication {
  readonly apiVersion: string;
  readonly kind: "PeerAuthentication";
  readonly metadata: ObjectMeta & { readonly namespace: string };
  readonly spec: { readonly mtls: { readonly mode: "STRICT" } };
}

export interface AuthorizationRule {
  readonly from: readonly { readonly source: { readonly principals: readonly string[] } }[];
  readonly to: readonly {
    readonly operation: { readonly ports?: readonly string[]; readonly methods?: readonly string[]; readonly paths?: readonly string[] };
  }[];
}

export interface AuthorizationPolicy {
  readonly apiVersion: string;
  readonly kind: "AuthorizationPolicy";
  readonly metadata: ObjectMeta & { readonly namespace: string };
  /** `{}` is Istio's allow-nothing: it matches no request, so the namespace denies by default. */
  readonly spec:
    | {
        /** Absent: the policy applies to every workload of the namespace (a zone-level target). */
        readonly selector?: LabelSelector;
        readonly action: "ALLOW" | "DENY";
        /** `{}` (no source, no operation) matches every request: a DENY with it denies everything. */
        readonly rules: readonly (AuthorizationRule | Record<string, never>)[];
      }
    | Record<string, never>;
}

/** One port of a Cilium `toPorts` entry: `port` is a number as text (`"0"` is every port) or a port name. */
export interface CiliumPortProtocol {
  readonly port: string;
  readonly endPort?: number;
  readonly protocol: "TCP" | "UDP" | "SCTP" | "ANY";
}

export interface CiliumPortRule {
  readonly ports: readonly CiliumPortProtocol[];
  readonly rules?: { readonly dns: readonly { readonly matchPattern?: string; readonly matchName?: string }[] };
}

/** A CIDR and the blocks cut out of it (Cilium's CIDRRule). */
export interface CiliumCIDRRule {
  readonly cidr: string;
  readonly except?: readonly string[];
}

/** Peers Cilium names without addresses; netseg writes `world` (everything outside the cluster). */
export type CiliumEntity = "world" | "cluster" | "host" | "remote-node" | "kube-apiserver" | "all";

/**
 * One ingress rule: its L3 selectors are ORed, `toPorts` narrows them (absent: every port of
 * every protocol). Endpoint labels carry their source (`k8s:`); the namespace is the label
 * `k8s:io.kubernetes.pod.namespace`, and without it a selector stays in the policy's namespace.
 */
export interface CiliumIngressRule {
  readonly fromEndpoints?: readonly LabelSelector[];
  readonly fromEntities?: readonly CiliumEntity[];
  readonly fromCIDRSet?: readonly CiliumCIDRRule[];
  readonly toPorts?: readonly CiliumPortRule[];
}

export interface CiliumEgressRule {
  readonly toEndpoints?: readonly LabelSelector[];
  readonly toEntities?: readonly CiliumEntity[];
  readonly toCIDRSet?: readonly CiliumCIDRRule[];
  readonly toFQDNs?: readonly ({ readonly matchName: string } | { readonly matchPattern: string })[];
  readonly toPorts?: readonly CiliumPortRule[];
}

/**
 * A CiliumNetworkPolicy (cilium.io/v2). A section (`ingress`, `egress`) that is present puts the
 * selected pods into default deny for that direction; netseg's namespace-wide default-deny
 * NetworkPolicy already does, so a section is written only when it has rules.
 */
export interface CiliumNetworkPolicy {
  readonly apiVersion: "cilium.io/v2";
  readonly kind: "CiliumNetworkPolicy";
  readonly metadata: ObjectMeta & { readonly namespace: string };
  readonly spec: {
    readonly description: string;
    readonly endpointSelector: LabelSelector;
    readonly ingress?: readonly CiliumIngressRule[];
    readonly egress?: readonly CiliumEgressRule[];
  };
}

export type K8sObject = Namespace | NetworkPolicy | PeerAuthentication | AuthorizationPolicy | CiliumNetworkPolicy | AdminNetworkPolicy | BaselineAdminNetworkPolicy;
