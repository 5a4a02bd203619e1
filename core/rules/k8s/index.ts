export * from "./manifests";
export { dns1123LabelProblem, dns1123SubdomainProblem, labelValueProblem, labelKeyProblem } from "./names";
export { K8sOptionsSchema, POD_SECURITY_LEVELS, PRIVATE_RANGES, type K8sOptions, type PodSecurityLevel, type ResolvedK8sOptions } from "./options";
export { DEFAULT_DENY_NAME, DNS_POLICY_NAME, EGRESS_PROXY_POLICY_NAME, PEER_AUTHENTICATION_NAME, ALLOW_NOTHING_NAME, objectName } from "./naming";
export { NAMESPACE_NAME_LABEL } from "./network-policies";
export { planK8s, k8sPlanObjects, WORKLOAD_LABEL, type K8sPlan } from "./plan";
export { k8sIntentIssues } from "./checks";
export { k8sFlowTuples } from "./tuples";
