/**
 * Kubernetes resources as plain data: workloads with their pod labels and namespace,
 * NetworkPolicies with their defaulting made explicit (policyTypes, TCP ports), and label
 * selectors evaluated with a third answer, "unknown", for selectors or labels not yet known.
 *
 * Types read: `kubernetes:networking.k8s.io/v1:NetworkPolicy`, `kubernetes:core/v1:Namespace`,
 * `kubernetes:core/v1:Pod`, `kubernetes:apps/v1:{Deployment,StatefulSet,DaemonSet,ReplicaSet}`,
 * `kubernetes:batch/v1:{Job,CronJob}`, `kubernetes:core/v1:Service`; props as the API objects
 * (`metadata`, `spec`).
 */
import { CidrSet, MAX_PORT, MIN_PORT, PORTED_PROTOCOLS, TrafficSet } from "../net";
import { cidrOne, cidrList, invalidCidrProblem } from "./addresses";
import { field, isObject, isUnknown, items, str, stringMap, UNKNOWN, type Plain, type PlainObject, type Unknown } from "./plain";
import { k8sPortTraffic, showValue } from "./traffic";

export const K8S_TYPES = {
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  namespace: "kubernetes:core/v1:Namespace",
  service: "kubernetes:core/v1:Service",
  pod: "kubernetes:core/v1:Pod",
} as const;

/** Workload type -> path from `spec` to the pod template (`[]` for a Pod: its own spec). */
export const K8S_WORKLOADS: Readonly<Record<string, readonly string[]>> = {
  "kubernetes:core/v1:Pod": [],
  "kubernetes:apps/v1:Deployment": ["template"],
  "kubernetes:apps/v1:StatefulSet": ["template"],
  "kubernetes:apps/v1:DaemonSet": ["template"],
  "kubernetes:apps/v1:ReplicaSet": ["template"],
  "kubernetes:batch/v1:Job": ["template"],
  "kubernetes:batch/v1:CronJob": ["jobTemplate", "spec", "template"],
};

/** A resource's namespace: `metadata.namespace`, "default" when absent. */
export function namespaceOf(props: PlainObject): string | Unknown {
  const ns = str(field(props.metadata, "namespace"));
  return ns === undefined || ns === "" ? "default" : ns;
}

export function nameOf(props: PlainObject, fallback: string): string {
  const n = str(field(props.metadata, "name"));
  return typeof n === "string" ? n : fallback;
}

export interface PodTemplate {
  readonly labels: Readonly<Record<string, string>>;
  readonly labelsComplete: boolean;
  /** The pod spec (containers, hostNetwork...). */
  readonly spec: Plain;
}

/** The pod template of a workload; undefined for other types. */
export function podTemplateOf(type: string, props: PlainObject): PodTemplate | undefined {
  const path = K8S_WORKLOADS[type];
  if (!path) return undefined;
  let node: Plain = path.length === 0 ? props : props.spec;
  for (const k of path) node = field(node, k);
  const labels = stringMap(field(field(node, "metadata"), "labels"));
  return { labels: labels.known, labelsComplete: !labels.unknown && !isUnknown(node), spec: field(node, "spec") };
}

/** Result of matching a selector: unknown when the selector or the labels are not known. */
export type Match = boolean | Unknown;

/** A LabelSelector against labels; absent or `{}` selects everything. */
export function selects(selector: Plain, labels: Readonly<Record<string, string>>, labelsComplete = true): Match {
  if (isUnknown(selector)) return UNKNOWN;
  if (!isObject(selector)) return true;
  const ml = stringMap(selector.matchLabels);
  if (ml.unknown) return UNKNOWN;
  let result: Match = true;
  for (const [k, v] of Object.entries(ml.known)) {
    if (labels[k] === v) continue;
    if (!labelsComplete && labels[k] === undefined) result = UNKNOWN;
    else return false;
  }
  const exprs = items(selector.matchExpressions);
  if (exprs.unknown) return UNKNOWN;
  for (const e of exprs.known) {
    const key = str(field(e, "key"));
    const op = str(field(e, "operator"));
    const values = items(field(e, "values")).known.map((x) => str(x));
    if (typeof key !== "string" || typeof op !== "string" || values.some((x) => x === UNKNOWN)) return UNKNOWN;
    const has = key in labels;
    if (!has && !labelsComplete) {
      result = UNKNOWN;
      continue;
    }
    const ok = op === "In" ? has && values.includes(labels[key]) : op === "NotIn" ? !has || !values.includes(labels[key]) : op === "Exists" ? has : op === "DoesNotExist" ? !has : undefined;
    if (ok === undefined) return UNKNOWN;
    if (!ok) return false;
  }
  return result;
}

/** True for a selector that selects everything (absent, `{}`, or empty lists). */
export function isEmptySelector(selector: Plain): boolean {
  if (selector === undefined || selector === null) return true;
  if (!isObject(selector)) return false;
  const ml = selector.matchLabels;
  const me = selector.matchExpressions;
  return (ml === undefined || ml === null || (isObject(ml) && Object.keys(ml).length === 0)) && (me === undefined || me === null || (Array.isArray(me) && me.length === 0));
}

export type PolicyDirection = "Ingress" | "Egress";

export interface NetworkPolicyPeer {
  readonly podSelector?: Plain;
  readonly namespaceSelector?: Plain;
  /** `malformed` when a CIDR of the block is invalid (the API server would reject the policy). */
  readonly ipBlock?: { readonly cidrs: CidrSet; readonly except: CidrSet; readonly complete: boolean; readonly malformed?: boolean };
  readonly unknown: boolean;
}

export interface NetworkPolicyRule {
  /** `all` when the rule names no peers (every source or destination). */
  readonly peers: readonly NetworkPolicyPeer[] | "all";
  /** Malformed values (ports, protocols, ipBlock CIDRs, lists that are not lists), each naming its field and value. */
  readonly problems: readonly string[];
  /** What the rule's ports could mean at most: malformed ports counted as every port of their protocol. */
  readonly widestTraffic: TrafficSet;
  /** Certain traffic; every port when the rule lists none. */
  readonly traffic: TrafficSet;
  readonly trafficComplete: boolean;
  /** The rule lists no ports: every port of every protocol. */
  readonly anyPort: boolean;
  /** Indexes of port entries written without a protocol. */
  readonly portsWithoutProtocol: readonly number[];
  readonly peersComplete: boolean;
}

export interface NetworkPolicy {
  readonly name: string;
  readonly namespace: string | Unknown;
  readonly podSelector: Plain;
  /** As the API server defaults them: Ingress always, Egress when egress rules exist. */
  readonly policyTypes: readonly PolicyDirection[];
  readonly policyTypesExplicit: boolean;
  readonly policyTypesComplete: boolean;
  readonly ingress: readonly NetworkPolicyRule[];
  readonly egress: readonly NetworkPolicyRule[];
  readonly rulesComplete: boolean;
}

function peerOf(p: Plain, where: string, problems: string[]): NetworkPolicyPeer {
  if (isUnknown(p)) return { unknown: true };
  const ip = field(p, "ipBlock");
  const ipBlock =
    ip === undefined || ip === null
      ? undefined
      : (() => {
          const c = cidrOne(field(ip, "cidr"));
          const ex = cidrList(field(ip, "except"));
          for (const bad of c.invalid) problems.push(`${where}.ipBlock.cidr: ${invalidCidrProblem(bad)}`);
          for (const bad of ex.invalid) problems.push(`${where}.ipBlock.except: ${invalidCidrProblem(bad)}`);
          if (!isUnknown(ip) && field(ip, "cidr") === undefined) problems.push(`${where}.ipBlock has no cidr`);
          return { cidrs: c.cidrs, except: ex.cidrs, complete: c.complete && ex.complete, malformed: c.invalid.length + ex.invalid.length > 0 || undefined };
        })();
  return { podSelector: field(p, "podSelector"), namespaceSelector: field(p, "namespaceSelector"), ipBlock, unknown: isUnknown(ip) };
}

function notAList(v: Plain): boolean {
  return v !== undefined && v !== null && !isUnknown(v) && !Array.isArray(v);
}

function ruleOf(r: Plain, peersKey: "from" | "to", where: string): NetworkPolicyRule {
  const peers = items(field(r, peersKey));
  const ports = items(field(r, "ports"));
  const problems: string[] = [];
  if (notAList(field(r, peersKey))) problems.push(`${where}.${peersKey} ${showValue(field(r, peersKey))} is not a list of peers`);
  if (notAList(field(r, "ports"))) problems.push(`${where}.ports ${showValue(field(r, "ports"))} is not a list of ports`);
  const specs: TrafficSet[] = [];
  const widest: TrafficSet[] = [];
  let complete = !ports.unknown && !isUnknown(r) && !notAList(field(r, "ports"));
  const withoutProtocol: number[] = [];
  const anyPort = !ports.unknown && ports.known.length === 0 && !isUnknown(r);
  // No ports: every port of the three protocols a NetworkPolicy filters (TCP, UDP, SCTP).
  if (anyPort) specs.push(TrafficSet.fromSpecs(PORTED_PROTOCOLS.map((protocol) => ({ protocol, from: MIN_PORT, to: MAX_PORT }))));
  ports.known.forEach((p, i) => {
    if (field(p, "protocol") === undefined) withoutProtocol.push(i);
    const t = k8sPortTraffic(field(p, "protocol"), field(p, "port"), field(p, "endPort"));
    specs.push(t.traffic);
    widest.push(t.widest ?? t.traffic);
    complete = complete && t.complete;
    if (t.malformed) problems.push(`${where}.ports[${i}]: ${t.malformed}`);
  });
  const traffic = unionAll(specs);
  const all = !peers.unknown && peers.known.length === 0 && !isUnknown(r);
  return {
    peers: all ? "all" : peers.known.map((p, j) => peerOf(p, `${where}.${peersKey}[${j}]`, problems)),
    problems,
    widestTraffic: anyPort ? traffic : unionAll(widest),
    traffic,
    trafficComplete: complete,
    anyPort,
    portsWithoutProtocol: withoutProtocol,
    peersComplete: !peers.unknown && !isUnknown(r),
  };
}

/** Union of many traffic sets, merged once (a long port list stays fast). */
function unionAll(sets: readonly TrafficSet[]): TrafficSet {
  return TrafficSet.fromSpecs(sets.flatMap((t) => t.toSpecs()));
}

/** A NetworkPolicy's spec with Kubernetes' defaulting applied. */
export function normaliseNetworkPolicy(props: PlainObject, fallbackName: string): NetworkPolicy {
  const spec = props.spec;
  const types = items(field(spec, "policyTypes"));
  const ingress = items(field(spec, "ingress"));
  const egress = items(field(spec, "egress"));
  const explicit = field(spec, "policyTypes") !== undefined && field(spec, "policyTypes") !== null;
  const declared = types.known.map((t) => str(t)).filter((t): t is PolicyDirection => t === "Ingress" || t === "Egress");
  const policyTypes: PolicyDirection[] = explicit ? declared : egress.known.length > 0 || egress.unknown ? ["Ingress", "Egress"] : ["Ingress"];
  return {
    name: nameOf(props, fallbackName),
    namespace: namespaceOf(props),
    podSelector: field(spec, "podSelector"),
    policyTypes: [...new Set(policyTypes)].sort(),
    policyTypesExplicit: explicit,
    policyTypesComplete: !types.unknown && !isUnknown(spec),
    ingress: ingress.known.map((r, i) => ruleOf(r, "from", `ingress[${i}]`)),
    egress: egress.known.map((r, i) => ruleOf(r, "to", `egress[${i}]`)),
    rulesComplete: !ingress.unknown && !egress.unknown && !isUnknown(spec),
  };
}

const OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"] as const;

/** One requirement of a label selector; matchLabels `k: v` is `k In [v]`. */
export interface LabelRequirement {
  readonly key: string;
  readonly op: (typeof OPERATORS)[number];
  readonly values: readonly string[];
}

/**
 * A LabelSelector as requirements, all of which must hold (absent or `{}`: none, so it selects
 * everything); `{ error }` when it is malformed (the API server would reject it), undefined when
 * a part is unknown.
 */
export function requirementsOf(selector: Plain): LabelRequirement[] | { error: string } | undefined {
  if (selector === undefined || selector === null) return [];
  if (isUnknown(selector)) return undefined;
  if (!isObject(selector)) return { error: `${showValue(selector)} is not a label selector` };
  const out: LabelRequirement[] = [];
  const ml = selector.matchLabels;
  if (isUnknown(ml)) return undefined;
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) return { error: `matchLabels ${showValue(ml)} is not a map of labels` };
    for (const [key, v] of Object.entries(ml)) {
      if (isUnknown(v)) return undefined;
      if (typeof v !== "string") return { error: `matchLabels.${key} ${showValue(v)} is not a string` };
      out.push({ key, op: "In", values: [v] });
    }
  }
  const me = selector.matchExpressions;
  if (isUnknown(me)) return undefined;
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) return { error: `matchExpressions ${showValue(me)} is not a list` };
    for (const [i, e] of (me as readonly Plain[]).entries()) {
      const key = field(e, "key");
      const op = field(e, "operator");
      const values = field(e, "values");
      if (isUnknown(e) || isUnknown(key) || isUnknown(op) || isUnknown(values) || (Array.isArray(values) && values.some(isUnknown))) return undefined;
      if (typeof key !== "string" || key === "") return { error: `matchExpressions[${i}].key ${showValue(key)} is not a label key` };
      if (typeof op !== "string" || !(OPERATORS as readonly string[]).includes(op)) return { error: `matchExpressions[${i}].operator ${showValue(op)} is not one of ${OPERATORS.join(", ")}` };
      if (values !== undefined && values !== null && (!Array.isArray(values) || values.some((x) => typeof x !== "string"))) return { error: `matchExpressions[${i}].values ${showValue(values)} is not a list of strings` };
      const list = (values ?? []) as readonly string[];
      if ((op === "In" || op === "NotIn") && list.length === 0) return { error: `matchExpressions[${i}]: ${op} needs at least one value` };
      if ((op === "Exists" || op === "DoesNotExist") && list.length > 0) return { error: `matchExpressions[${i}]: ${op} takes no values` };
      out.push({ key, op: op as LabelRequirement["op"], values: list });
    }
  }
  return out;
}

function holds(r: LabelRequirement, value: string | undefined): boolean {
  switch (r.op) {
    case "In":
      return value !== undefined && r.values.includes(value);
    case "NotIn":
      return value === undefined || !r.values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
  }
}

/** Beyond this many label combinations the union is not decided (never a finding on a guess). */
const MAX_LABEL_CASES = 50_000;

/**
 * Whether every set of labels satisfies at least one of the alternatives (each a list of
 * requirements that must all hold). Decided exactly: only the keys and values the alternatives
 * name matter, so each key is absent (unless it is always present), one of those values, or any
 * other value. `{ Exists }` and `{ DoesNotExist }` on one key together cover everything; so does
 * `In [a]` beside `NotIn [a]`. Returns false when the cases exceed a bound.
 */
export function coversEveryLabelSet(alternatives: readonly (readonly LabelRequirement[])[], alwaysPresent: ReadonlySet<string> = new Set()): boolean {
  if (alternatives.length === 0) return false;
  if (alternatives.some((a) => a.length === 0)) return true;
  const keys = [...new Set(alternatives.flat().map((r) => r.key))].sort();
  const OTHER = "\u0000any other value";
  const states = keys.map((k) => {
    const values = [...new Set(alternatives.flat().filter((r) => r.key === k).flatMap((r) => r.values))].sort();
    return [...(alwaysPresent.has(k) ? [] : [undefined]), ...values, OTHER];
  });
  if (states.reduce((n, s) => n * s.length, 1) > MAX_LABEL_CASES) return false;
  const at = keys.map(() => 0);
  for (;;) {
    const labels = new Map(keys.map((k, i) => [k, states[i][at[i]]]));
    if (!alternatives.some((a) => a.every((r) => holds(r, labels.get(r.key))))) return false;
    let i = 0;
    while (i < at.length && ++at[i] === states[i].length) at[i++] = 0;
    if (i === at.length) return true;
  }
}

/** The label every namespace carries with its own name (set by the API server since Kubernetes 1.21). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/**
 * Whether the given peers of a rule in `namespace` together select every pod of every namespace.
 * A peer without namespaceSelector stands for the policy's own namespace. Peers that are
 * unknown, malformed or ipBlocks are left out: only what is certain can make a finding.
 */
export function peersSelectEveryPod(peers: readonly NetworkPolicyPeer[], namespace: string | Unknown): boolean {
  const alternatives: LabelRequirement[][] = [];
  const prefix = (p: string, rs: readonly LabelRequirement[]) => rs.map((r) => ({ ...r, key: `${p}${r.key}` }));
  for (const peer of peers) {
    if (peer.unknown || peer.ipBlock) continue;
    const nsAbsent = peer.namespaceSelector === undefined || peer.namespaceSelector === null;
    if (nsAbsent && (peer.podSelector === undefined || peer.podSelector === null)) continue;
    const ns = nsAbsent ? (typeof namespace === "string" ? [{ key: NAMESPACE_NAME_LABEL, op: "In" as const, values: [namespace] }] : undefined) : requirementsOf(peer.namespaceSelector);
    const pod = requirementsOf(peer.podSelector);
    if (!Array.isArray(ns) || !Array.isArray(pod)) continue;
    alternatives.push([...prefix("ns:", ns), ...prefix("pod:", pod)]);
  }
  return coversEveryLabelSet(alternatives, new Set([`ns:${NAMESPACE_NAME_LABEL}`]));
}
