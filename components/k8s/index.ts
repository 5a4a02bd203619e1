export { NamespaceIsolation, type NamespaceIsolationArgs } from "./namespace-isolation";
export { createK8sObjects, type K8sResources } from "./create";
export { resolveIntent, type IntentArg } from "./intent-arg";
