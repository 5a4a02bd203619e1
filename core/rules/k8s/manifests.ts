/**
 * The Kubernetes objects netseg plans, as plain data shaped exactly like the API objects
 * (`kubectl apply` would accept them as YAML). Only the fields netseg sets are typed, so a test
 * can compare a planned object with a hand-written manifest field by field.
 */

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
        readonly action: "ALLOW";
        readonly rules: readonly AuthorizationRule[];
      }
    | Record<string, never>;
}

export interface CiliumPortRule {
  readonly ports: readonly { readonly port: string; readonly protocol: "TCP" | "UDP" | "ANY" }[];
  readonly rules?: { readonly dns: readonly { readonly matchPattern?: string; readonly matchName?: string }[] };
}

export interface CiliumEgressRule {
  readonly toEndpoints?: readonly LabelSelector[];
  readonly toFQDNs?: readonly ({ readonly matchName: string } | { readonly matchPattern: string })[];
  readonly toPorts: readonly CiliumPortRule[];
}

export interface CiliumNetworkPolicy {
  readonly apiVersion: "cilium.io/v2";
  readonly kind: "CiliumNetworkPolicy";
  readonly metadata: ObjectMeta & { readonly namespace: string };
  readonly spec: {
    readonly description: string;
    readonly endpointSelector: LabelSelector;
    readonly egress: readonly CiliumEgressRule[];
  };
}

export type K8sObject = Namespace | NetworkPolicy | PeerAuthentication | AuthorizationPolicy | CiliumNetworkPolicy;
