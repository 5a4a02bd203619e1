/** Shared by the Kubernetes stack rules: the stack's policies, workloads and namespaces. */
import { K8S_TYPES, K8S_WORKLOADS, nameOf, namespaceOf, normaliseNetworkPolicy, podTemplateOf, str, field, type NetworkPolicy, type PodTemplate, type StackIndex, type StackResource } from "../../../core/resources";

export interface PolicyEntry {
  readonly resource: StackResource;
  readonly policy: NetworkPolicy;
}

export interface WorkloadEntry {
  readonly resource: StackResource;
  readonly name: string;
  readonly namespace: string | symbol;
  readonly template: PodTemplate;
}

export const WORKLOAD_TYPES = Object.keys(K8S_WORKLOADS);

export function policiesOf(stack: StackIndex): PolicyEntry[] {
  return stack.ofType(K8S_TYPES.networkPolicy).map((r) => ({ resource: r, policy: normaliseNetworkPolicy(r.props, r.name) }));
}

/** Workloads, except pods a controller in the stack already describes (they carry the same labels). */
export function workloadsOf(stack: StackIndex): WorkloadEntry[] {
  return stack
    .ofType(...WORKLOAD_TYPES)
    .map((r) => ({ resource: r, name: nameOf(r.props, r.name), namespace: namespaceOf(r.props), template: podTemplateOf(r.type, r.props) as PodTemplate }));
}

/** Namespaces the stack declares or puts workloads in, sorted; unknown names left out. */
export function namespacesOf(stack: StackIndex): string[] {
  const declared = stack.ofType(K8S_TYPES.namespace).map((r) => str(field(r.props.metadata, "name")) ?? r.name);
  const used = workloadsOf(stack).map((w) => w.namespace);
  return [...new Set([...declared, ...used].filter((n): n is string => typeof n === "string"))].sort();
}

export const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];
