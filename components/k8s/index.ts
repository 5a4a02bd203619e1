export { NamespaceIsolation, type NamespaceIsolationArgs } from "./namespace-isolation";
export { TenantNamespaces, type TenantNamespacesArgs } from "./tenant-namespaces";
export { createK8sObjects, type K8sResources } from "./create";
export { resolveIntent, type IntentArg } from "./intent-arg";
