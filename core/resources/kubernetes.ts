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
import { CidrSet, TrafficSet } from "../net";
import { cidrOne, cidrList } from "./addresses";
import { field, isObject, isUnknown, items, str, stringMap, UNKNOWN, type Plain, type PlainObject, type Unknown } from "./plain";
import { k8sPortTraffic } from "./traffic";

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
  readonly ipBlock?: { readonly cidrs: CidrSet; readonly except: CidrSet; readonly complete: boolean };
  readonly unknown: boolean;
}

export interface NetworkPolicyRule {
  /** `all` when the rule names no peers (every source or destination). */
  readonly peers: readonly NetworkPolicyPeer[] | "all";
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

function peerOf(p: Plain): NetworkPolicyPeer {
  if (isUnknown(p)) return { unknown: true };
  const ip = field(p, "ipBlock");
  const ipBlock =
    ip === undefined || ip === null
      ? undefined
      : (() => {
          const c = cidrOne(field(ip, "cidr"));
          const ex = cidrList(field(ip, "except"));
          return { cidrs: c.cidrs, except: ex.cidrs, complete: c.complete && ex.complete };
        })();
  return { podSelector: field(p, "podSelector"), namespaceSelector: field(p, "namespaceSelector"), ipBlock, unknown: isUnknown(ip) };
}

function ruleOf(r: Plain, peersKey: "from" | "to"): NetworkPolicyRule {
  const peers = items(field(r, peersKey));
  const ports = items(field(r, "ports"));
  let traffic = TrafficSet.EMPTY;
  let complete = !ports.unknown && !isUnknown(r);
  const withoutProtocol: number[] = [];
  if (!ports.unknown && ports.known.length === 0) traffic = TrafficSet.fromSpecs([{ protocol: "tcp", from: 0, to: 65535 }, { protocol: "udp", from: 0, to: 65535 }]);
  ports.known.forEach((p, i) => {
    if (field(p, "protocol") === undefined) withoutProtocol.push(i);
    const t = k8sPortTraffic(field(p, "protocol"), field(p, "port"), field(p, "endPort"));
    traffic = traffic.union(t.traffic);
    complete = complete && t.complete;
  });
  const all = !peers.unknown && peers.known.length === 0 && !isUnknown(r);
  return {
    peers: all ? "all" : peers.known.map(peerOf),
    traffic,
    trafficComplete: complete,
    anyPort: !ports.unknown && ports.known.length === 0 && !isUnknown(r),
    portsWithoutProtocol: withoutProtocol,
    peersComplete: !peers.unknown && !isUnknown(r),
  };
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
    ingress: ingress.known.map((r) => ruleOf(r, "from")),
    egress: egress.known.map((r) => ruleOf(r, "to")),
    rulesComplete: !ingress.unknown && !egress.unknown && !isUnknown(spec),
  };
}
