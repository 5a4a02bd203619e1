/**
 * Shared by the AdminNetworkPolicy rules: the stack's ANPs, BANPs and namespaces read as the
 * network-policy-api v1alpha1 reference defines them (subject and peers are `namespaces`, a
 * label selector, or `pods`, a namespace and a pod selector). Unknown values stay unknown: a
 * selector that may or may not match is never a finding.
 */
import { field, isEmptySelector, isUnknown, items, nameOf, selects, str, stringMap, UNKNOWN, type Match, type Plain, type StackIndex, type StackResource } from "../../../core/resources";

export const ADMIN_TYPES = {
  anp: "kubernetes:policy.networking.k8s.io/v1alpha1:AdminNetworkPolicy",
  banp: "kubernetes:policy.networking.k8s.io/v1alpha1:BaselineAdminNetworkPolicy",
} as const;

export interface NamespaceEntry {
  /** Absent for a namespace named in configuration but not declared in the stack. */
  readonly resource?: StackResource;
  readonly name: string;
  /** Its labels, with `kubernetes.io/metadata.name` as the API server sets it. */
  readonly labels: Readonly<Record<string, string>>;
  readonly labelsComplete: boolean;
}

/** The stack's namespaces with known names. */
export function namespaceEntries(stack: StackIndex, type: string): NamespaceEntry[] {
  return stack.ofType(type).flatMap((r) => {
    const name = str(field(r.props.metadata, "name")) ?? r.name;
    if (typeof name !== "string") return [];
    const labels = stringMap(field(r.props.metadata, "labels"));
    return [{ resource: r, name, labels: { ...labels.known, "kubernetes.io/metadata.name": name }, labelsComplete: !labels.unknown }];
  });
}

/** Whether an ANP subject or peer takes in pods of namespace `ns` (by its namespace selector only). */
export function peerSelectsNamespace(peer: Plain, ns: NamespaceEntry): Match {
  if (isUnknown(peer)) return UNKNOWN;
  const namespaces = field(peer, "namespaces");
  if (namespaces !== undefined) return selects(namespaces, ns.labels, ns.labelsComplete);
  const pods = field(peer, "pods");
  if (pods !== undefined) return selects(field(pods, "namespaceSelector"), ns.labels, ns.labelsComplete);
  return false; // nodes, networks
}

/**
 * "Every namespace": a `namespaces` peer with an empty selector, or a `pods` peer whose namespace
 * selector is empty or missing (then any namespace may run pods carrying the pod labels).
 */
export function peerIsEveryNamespace(peer: Plain): boolean | "pods" {
  if (isUnknown(peer)) return false;
  const namespaces = field(peer, "namespaces");
  if (namespaces !== undefined) return !isUnknown(namespaces) && isEmptySelector(namespaces);
  const pods = field(peer, "pods");
  if (pods !== undefined && !isUnknown(pods)) {
    const nsSel = field(pods, "namespaceSelector");
    if (isUnknown(nsSel) || !isEmptySelector(nsSel)) return false;
    const podSel = field(pods, "podSelector");
    return !isUnknown(podSel) && isEmptySelector(podSel) ? true : "pods";
  }
  return false;
}

export interface AdminRule {
  readonly index: number;
  readonly name?: string;
  readonly action: string | undefined;
  /** The rule's `from` or `to`; `unknown` when the list is. An empty or missing list counts as every peer (the API requires one). */
  readonly peers: { readonly known: readonly Plain[]; readonly unknown: boolean };
  readonly ports: Plain;
}

export function rulesOf(r: StackResource, dir: "ingress" | "egress"): { rules: AdminRule[]; unknown: boolean } {
  const list = items(field(r.props.spec, dir));
  return {
    unknown: list.unknown,
    rules: list.known.map((rule, index) => {
      const action = str(field(rule, "action"));
      const name = str(field(rule, "name"));
      return { index, name: typeof name === "string" ? name : undefined, action: typeof action === "string" ? action : undefined, peers: items(field(rule, dir === "ingress" ? "from" : "to")), ports: field(rule, "ports") };
    }),
  };
}

/** `name (AdminNetworkPolicy)` for messages. */
export function adminLabel(r: StackResource): string {
  return `${r.type.split(":").pop()} ${nameOf(r.props, r.name)}`;
}

/** Ports as written, for messages: "every port" when absent. */
export function portsText(ports: Plain): string {
  if (ports === undefined || ports === null) return "every port";
  if (isUnknown(ports)) return "ports unknown at preview";
  const out: string[] = [];
  for (const p of items(ports).known) {
    const n = field(p, "portNumber");
    const range = field(p, "portRange");
    const named = str(field(p, "namedPort"));
    if (n !== undefined) out.push(`${String(str(field(n, "protocol")) ?? "TCP").toLowerCase()}/${String(str(field(n, "port")))}`);
    else if (range !== undefined) out.push(`${String(str(field(range, "protocol")) ?? "TCP").toLowerCase()}/${String(str(field(range, "start")))}-${String(str(field(range, "end")))}`);
    else if (typeof named === "string") out.push(`port named ${named}`);
  }
  return out.length ? out.join(", ") : "every port";
}
