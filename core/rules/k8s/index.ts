/** The manifest shapes, prefixed so that they never clash with other platforms' names in the core barrel. */
export type {
  ObjectMeta as K8sObjectMeta,
  LabelSelector as K8sLabelSelector,
  IPBlock as K8sIPBlock,
  NetworkPolicyPeer as K8sNetworkPolicyPeer,
  NetworkPolicyPort as K8sNetworkPolicyPort,
  NetworkPolicyIngressRule as K8sNetworkPolicyIngressRule,
  NetworkPolicyEgressRule as K8sNetworkPolicyEgressRule,
  NetworkPolicy as K8sNetworkPolicy,
  Namespace as K8sNamespace,
  PeerAuthentication as K8sPeerAuthentication,
  AuthorizationRule as K8sAuthorizationRule,
  AuthorizationPolicy as K8sAuthorizationPolicy,
  CiliumPortProtocol as K8sCiliumPortProtocol,
  CiliumPortRule as K8sCiliumPortRule,
  CiliumCIDRRule as K8sCiliumCIDRRule,
  CiliumEntity as K8sCiliumEntity,
  CiliumIngressRule as K8sCiliumIngressRule,
  CiliumEgressRule as K8sCiliumEgressRule,
  CiliumNetworkPolicy as K8sCiliumNetworkPolicy,
  K8sObject,
} from "./manifests";
export { dns1123LabelProblem, dns1123SubdomainProblem, labelValueProblem, labelKeyProblem } from "./names";
export { POD_SECURITY_LEVELS, PRIVATE_RANGES, type K8sOptions, type PodSecurityLevel, type ResolvedK8sOptions, type ResolvedGuardrails } from "./options";
export { DEFAULT_DENY_NAME, DNS_POLICY_NAME, EGRESS_PROXY_POLICY_NAME, PEER_AUTHENTICATION_NAME, ALLOW_NOTHING_NAME, objectName } from "./naming";
export { NAMESPACE_NAME_LABEL } from "./network-policies";
export { planK8s, k8sPlanObjects, WORKLOAD_LABEL, type K8sPlan, type K8sTenancy } from "./plan";
export type {
  AdminNetworkPolicy as K8sAdminNetworkPolicy,
  BaselineAdminNetworkPolicy as K8sBaselineAdminNetworkPolicy,
  AdminPeer as K8sAdminPeer,
  AdminPort as K8sAdminPort,
  FullLabelSelector as K8sFullLabelSelector,
} from "./admin-manifests";
export { ADMIN_NETWORK_POLICY_API_VERSION, BASELINE_ADMIN_NETWORK_POLICY_NAME } from "./admin-manifests";
export { GUARDRAILS_LABEL, GUARDRAILS_MARK, zoneGuardrailName, tenantGuardrailName } from "./guardrails";
export { k8sTenantLayout, planK8sTenants, tenantNamespace, sharedNamespace, type K8sTenantLayout } from "./tenants";
export { k8sIntentIssues } from "./checks";
export { k8sFlowTuples } from "./tuples";
