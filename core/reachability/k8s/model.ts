/**
 * Reads a stack's Kubernetes objects: namespaces with their labels, workloads (from Deployments,
 * StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs and Pods, and from
 * the intents where the stack has none) with their pod labels and named container ports,
 * NetworkPolicies, AdminNetworkPolicies and the BaselineAdminNetworkPolicy as declared. Each
 * workload is its own endpoint, known by kind, namespace and name, even where another carries the
 * same pod labels. Objects of a workload or policy kind at an apiVersion the engine does not read
 * are listed in the notes. Also turns parsed manifests into the resource shape, so hand-written
 * YAML can be analysed like a stack.
 */
import { mayApplyTo, type ScopedIntent } from "../scope";
import { displayName, propsOf, type ResourceGraph } from "../graph";
import type { NetResource } from "../model";
import { cidrSet, isUnknown, labels, list, num, plain, rec, str, UNKNOWN } from "../values";
import { showValue } from "../../show-value";
import { readCilium } from "./cilium";
import type { Protocol } from "../../net/ports";
import { ADMIN_TYPES, readAdminPolicies, type K8sAdminPolicy } from "./anp";
import { PROTOS } from "./targets";

export const K8S = {
  policy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  namespace: "kubernetes:core/v1:Namespace",
  pod: "kubernetes:core/v1:Pod",
  templated: ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet", "kubernetes:apps/v1:ReplicaSet", "kubernetes:batch/v1:Job", "kubernetes:core/v1:ReplicationController"],
  /** Its pods come from `spec.jobTemplate.spec.template`. */
  cronJob: "kubernetes:batch/v1:CronJob",
  anp: ADMIN_TYPES.anp,
  banp: ADMIN_TYPES.banp,
} as const;

/** Kinds whose objects the engine reads (at the group versions in K8S), to tell others of the same kind apart. */
const READ_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "CronJob", "Pod", "NetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "Namespace"]);

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** CoreDNS's container ports as the usual kube-dns deployment names them. */
export const KUBE_DNS_PORTS: readonly NamedPort[] = [
  { name: "dns", protocol: "udp", port: 53 },
  { name: "dns-tcp", protocol: "tcp", port: 53 },
  { name: "metrics", protocol: "tcp", port: 9153 },
];

export interface NamedPort {
  readonly name: string;
  readonly protocol: Exclude<Protocol, "icmp">;
  readonly port: number;
}

export interface K8sWorkload {
  readonly namespace: string;
  readonly name: string;
  /**
   * The object's kind (`Deployment`, `StatefulSet`, `CronJob`, `Pod`...); undefined for an
   * intent's workload and the cluster's DNS. Two workloads of one name in a namespace are told
   * apart by it: their endpoint keys become `<namespace>/<kind>/<name>`.
   */
  readonly kind?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** False when some pod label is unknown at preview (selectors on it only "may" match). */
  readonly labelsComplete?: boolean;
  /** Undefined when no container spec is known (intent-only workloads). */
  readonly ports?: readonly NamedPort[];
  /** Declared by an intent, with no pod of the stack carrying its labels. */
  readonly fromIntent?: boolean;
}

export interface K8sNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** True when the stack declares the namespace, so its labels are all known. */
  readonly declared: boolean;
}

export interface K8sPolicy {
  readonly urn: string;
  readonly name: string;
  /** Undefined when unknown at preview and not traceable: the policy may be in any namespace. */
  readonly namespace?: string;
  readonly spec: Readonly<Record<string, unknown>>;
}

export interface K8sModel {
  readonly namespaces: Map<string, K8sNamespace>;
  readonly workloads: K8sWorkload[];
  readonly policies: K8sPolicy[];
  /** AdminNetworkPolicies and the BaselineAdminNetworkPolicy (./anp). */
  readonly admin?: readonly K8sAdminPolicy[];
  readonly present: boolean;
  /** Values the API server would reject (a port of 70000, an endPort below its port...), each naming its policy and field. */
  readonly notes?: readonly string[];
}

const PORT_NAME = /^(?=.*[a-z])[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,14}$/;


/** Why one NetworkPolicyPort would be rejected (protocol, port, endPort), else undefined. */
function portProblem(q: Record<string, unknown>): string | undefined {
  const proto = str(q.protocol);
  if (q.protocol !== undefined && q.protocol !== null && proto !== UNKNOWN && !(typeof proto === "string" && ["TCP", "UDP", "SCTP"].includes(proto.toUpperCase()))) return `protocol ${showValue(q.protocol)} is not TCP, UDP or SCTP`;
  const port = q.port;
  const named = typeof port === "string" && !/^\s*-?\d+\s*$/.test(port) && !isUnknown(port);
  const n = num(port);
  if (port !== undefined && port !== null && !isUnknown(port)) {
    if (named && !PORT_NAME.test(port as string)) return `port ${showValue(port)} is neither a port number from 1 to 65535 nor a port name`;
    if (!named && !(typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 65535)) return `port ${showValue(port)} is not a whole number from 1 to 65535`;
  }
  const end = q.endPort;
  if (end === undefined || end === null || isUnknown(end)) return undefined;
  const e = num(end);
  if (!(typeof e === "number" && Number.isInteger(e) && e >= 1 && e <= 65535)) return `endPort ${showValue(end)} is not a whole number from 1 to 65535`;
  if (named || port === undefined || port === null) return `endPort ${e} needs a numeric port`;
  if (typeof n === "number" && e < n) return `endPort ${e} is below port ${n}`;
  return undefined;
}

/**
 * The spec with each malformed port entry or ipBlock read at its widest, as a "maybe": its port
 * (and a bad protocol), or the bad cidr / except, replaced by the unknown marker, so evaluation
 * can only answer "maybe", never a certain "no" or "yes"; each is noted with the policy, the
 * field and the value. The resource's own props are not touched.
 */
function checkedPorts(urn: string, spec: Readonly<Record<string, unknown>>, notes: string[]): Readonly<Record<string, unknown>> {
  let out: Record<string, unknown> | undefined;
  for (const dir of ["ingress", "egress"] as const) {
    const rules = list(spec[dir]);
    rules.forEach((x, i) => {
      const rule = plain(x);
      if (!rule) return;
      list(rule.ports).forEach((y, j) => {
        const q = plain(y);
        const problem = q ? portProblem(q) : undefined;
        if (!q || !problem) return;
        notes.push(`${urn}: ${dir}[${i}].ports[${j}]: ${problem}; the API server would reject it, so it is read as any port, a "maybe"`);
        out ??= { ...spec };
        const dirRules = (out[dir] = [...list(out[dir])]) as unknown[];
        const r = (dirRules[i] = { ...(plain(dirRules[i]) ?? {}) }) as Record<string, unknown>;
        const ports = (r.ports = [...list(r.ports)]) as unknown[];
        const badProtocol = problem.startsWith("protocol");
        ports[j] = { ...q, port: UNKNOWN, endPort: undefined, ...(badProtocol ? { protocol: UNKNOWN } : {}) };
      });
      const side = dir === "ingress" ? "from" : "to";
      list(rule[side]).forEach((y, j) => {
        const block = plain(plain(y)?.ipBlock);
        if (!block) return;
        const badCidr = block.cidr !== undefined && !isUnknown(block.cidr) && (typeof block.cidr !== "string" || block.cidr.trim() === "" || cidrSet([block.cidr]).bad.length > 0);
        const ex = block.except;
        const badExcept = ex !== undefined && ex !== null && !isUnknown(ex) && (!Array.isArray(ex) || ex.some((x) => !isUnknown(x) && typeof x !== "string") || cidrSet(ex).bad.length > 0);
        if (!badCidr && !badExcept) return;
        const what = [badCidr ? `cidr ${showValue(block.cidr)}` : "", badExcept ? `except ${showValue(ex)}` : ""].filter(Boolean).join(" and ");
        notes.push(`${urn}: ${dir}[${i}].${side}[${j}].ipBlock: ${what} is not a valid CIDR block (list); the API server would reject it, so the block is read as unknown, a "maybe"`);
        out ??= { ...spec };
        const dirRules = (out[dir] = [...list(out[dir])]) as unknown[];
        const r = (dirRules[i] = { ...(plain(dirRules[i]) ?? {}) }) as Record<string, unknown>;
        const peers = (r[side] = [...list(r[side])]) as unknown[];
        peers[j] = { ...(plain(peers[j]) ?? {}), ipBlock: { ...block, ...(badCidr ? { cidr: UNKNOWN } : {}), ...(badExcept ? { except: UNKNOWN } : {}) } };
      });
    });
  }
  return out ?? spec;
}

/**
 * Name, namespace and labels of an object. A namespace unknown at preview (taken from a
 * Namespace resource's output) is found through the object's dependencies on that Namespace.
 */
function metaOf(g: ResourceGraph, r: NetResource): { name?: string; namespace?: string; labels: Record<string, string> } {
  const md = plain(propsOf(r).metadata) ?? {};
  const name = str(md.name);
  const ns = str(md.namespace);
  let namespace: string | undefined = typeof ns === "string" ? ns : "default";
  if (ns === UNKNOWN) {
    // Unknown and not traceable to one Namespace: undefined, the object may be in any namespace.
    const owner = g.resolve(r, "metadata", UNKNOWN, [K8S.namespace]);
    const urn = owner && !("literal" in owner) && owner.urns.length === 1 ? owner.urns[0] : undefined;
    namespace = urn ? namespaceName(g.byUrn.get(urn)!) : undefined;
  }
  return { name: typeof name === "string" ? name : undefined, namespace, labels: labels(md.labels) };
}

/** A Namespace's name; its logical name when the name is unknown (auto-named at preview). */
function namespaceName(r: NetResource): string {
  const n = str(plain(propsOf(r).metadata)?.name);
  return typeof n === "string" ? n : displayName(r);
}

/** A labels map that is unknown, or holds an unknown value. */
function hasUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  const r = plain(v);
  return !!r && Object.values(r).some(isUnknown);
}

/** Named container ports; undefined when unknown (then a named port may be any port). */
function containerPorts(podSpec: unknown): NamedPort[] | undefined {
  const spec = plain(podSpec);
  const containers = spec?.containers;
  if (!spec || !Array.isArray(containers)) return undefined;
  const out: NamedPort[] = [];
  for (const c of containers) {
    const container = plain(c);
    if (!container || isUnknown(container.ports)) return undefined;
    for (const p of list(container.ports)) {
      const pr = plain(p);
      if (!pr) return undefined;
      const name = str(pr.name);
      const port = num(pr.containerPort);
      const proto = str(pr.protocol) ?? "TCP";
      if (name === UNKNOWN || port === UNKNOWN || proto === UNKNOWN) return undefined;
      const protocol = PROTOS[String(proto).toUpperCase()];
      if (typeof name === "string" && typeof port === "number" && protocol) out.push({ name, protocol, port });
    }
  }
  return out;
}

/**
 * The workloads an intent declares, as endpoints where the stack has no pods for them: what the
 * intent promises will run in the namespace, selected by its labels. Pods the stack declares win
 * (an intent workload whose labels some stack workload of the namespace carries adds nothing;
 * flows find that workload by the labels). An intent scoped to Kubernetes (carried by a
 * Kubernetes component) has its zones as namespaces; an unscoped one only where the stack
 * already has the namespace, so an AWS or GCP intent never invents namespaces.
 */
function addIntentWorkloads(intents: readonly ScopedIntent[], namespaces: Map<string, K8sNamespace>, stackWorkloads: readonly K8sWorkload[], ensure: (ns: string) => void, add: (w: K8sWorkload) => void): void {
  const fromStack = [...stackWorkloads];
  for (const s of intents) {
    if (!mayApplyTo(s, "k8s")) continue;
    for (const z of s.intent.zones) {
      if (!s.platforms && !namespaces.has(z.name)) continue;
      ensure(z.name);
      for (const w of z.workloads) {
        const runs = fromStack.some((sw) => sw.namespace === z.name && (sw.name === w.name || Object.entries(w.labels).every(([k, v]) => sw.labels[k] === v)));
        if (!runs) add({ namespace: z.name, name: w.name, labels: w.labels, fromIntent: true });
      }
    }
  }
}

export function readK8s(g: ResourceGraph, intents: readonly ScopedIntent[] = []): K8sModel {
  const namespaces = new Map<string, K8sNamespace>();
  const ensure = (name: string) => {
    if (!namespaces.has(name)) namespaces.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name }, declared: false });
  };
  for (const r of g.ofType(K8S.namespace)) {
    const m = metaOf(g, r);
    const name = namespaceName(r);
    // An auto-named namespace's real name (and so its metadata.name label) is unknown at preview.
    // A label value unknown at preview leaves the namespace's labels incomplete too.
    const known = m.name !== undefined;
    const complete = known && !hasUnknown(plain(propsOf(r).metadata)?.labels);
    namespaces.set(name, { name, labels: known ? { ...m.labels, [NAMESPACE_NAME_LABEL]: name } : m.labels, declared: complete });
  }
  const workloads: K8sWorkload[] = [];
  // A workload is its kind, namespace and name: two objects of one name (a Deployment and a
  // StatefulSet `web`) are two endpoints, and so are two of one label set, each with its own ports.
  const seen = new Set<string>();
  const add = (w: K8sWorkload) => {
    const key = `${w.namespace}/${w.kind ?? ""}/${w.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    ensure(w.namespace);
    workloads.push(w);
  };
  const policies: K8sPolicy[] = [];
  const notes: string[] = [];
  for (const r of g.ofType(K8S.policy)) {
    const m = metaOf(g, r);
    const spec = rec(propsOf(r).spec);
    if (m.namespace !== undefined) ensure(m.namespace);
    policies.push({ urn: r.urn, name: m.name ?? displayName(r), namespace: m.namespace, spec: spec && spec !== UNKNOWN ? checkedPorts(r.urn, spec, notes) : { podSelector: UNKNOWN } });
  }
  const admin = readAdminPolicies(g, notes);
  // CiliumNetworkPolicies, as NP-shaped policies with Cilium's semantics (./cilium).
  const cilium = readCilium(g);
  policies.push(...cilium.policies);
  notes.push(...cilium.notes);
  for (const ns of cilium.namespaces) ensure(ns);
  const addPods = (r: NetResource, kind: string, meta: unknown, podSpec: unknown) => {
    const m = metaOf(g, r);
    const raw = plain(meta)?.labels;
    const name = m.name ?? displayName(r);
    // A namespace unknown at preview and not traceable to a Namespace of the stack: no endpoint to give it.
    if (m.namespace === undefined) notes.push(`${r.urn}: ${kind} ${name} is not analysed: its namespace is unknown at preview and no Namespace of the stack names it`);
    else add({ namespace: m.namespace, name, kind, labels: labels(raw), labelsComplete: !hasUnknown(raw), ports: containerPorts(podSpec) });
  };
  const template = (spec: unknown) => {
    const s = rec(spec);
    const tpl = s && s !== UNKNOWN ? rec(s.template) : s;
    if (tpl === UNKNOWN) return { meta: { labels: UNKNOWN }, spec: undefined };
    return { meta: tpl?.metadata === undefined ? { labels: {} } : isUnknown(tpl.metadata) ? { labels: UNKNOWN } : tpl.metadata, spec: tpl?.spec };
  };
  for (const r of g.ofType(...K8S.templated)) {
    const t = template(propsOf(r).spec);
    addPods(r, r.type.slice(r.type.lastIndexOf(":") + 1), t.meta, t.spec);
  }
  for (const r of g.ofType(K8S.cronJob)) {
    const spec = rec(propsOf(r).spec);
    const job = spec === UNKNOWN ? UNKNOWN : rec(spec?.jobTemplate);
    const t = template(job === UNKNOWN ? UNKNOWN : job?.spec);
    addPods(r, "CronJob", t.meta, t.spec);
  }
  for (const r of g.ofType(K8S.pod)) addPods(r, "Pod", propsOf(r).metadata, propsOf(r).spec);
  notes.push(...unreadKinds(g));
  // Namespaces a policy names by `kubernetes.io/metadata.name` exist somewhere; give them an endpoint.
  for (const p of policies) {
    for (const [dir, side] of [["ingress", "from"], ["egress", "to"]] as const) {
      for (const rule of list(p.spec[dir])) {
        for (const peer of list(plain(rule)?.[side])) {
          const ns = str(plain(plain(plain(peer)?.namespaceSelector)?.matchLabels)?.[NAMESPACE_NAME_LABEL]);
          if (typeof ns === "string") ensure(ns);
        }
      }
    }
  }
  const present = cilium.present || namespaces.size > 0 || policies.length > 0 || admin.length > 0 || g.ofType(K8S.pod, K8S.cronJob, ...K8S.templated).length > 0;
  if (present) addIntentWorkloads(intents, namespaces, workloads, ensure, add);
  // Every cluster runs DNS; netseg names it so that DNS paths (and DNS blocked by a default deny) show.
  // A stack that declares its own DNS pods (named kube-dns, or labelled as such) keeps those.
  const ownDns = workloads.some((w) => w.namespace === "kube-system" && (w.name === "kube-dns" || w.labels["k8s-app"] === "kube-dns"));
  if (present && !ownDns) add({ namespace: "kube-system", name: "kube-dns", labels: { "k8s-app": "kube-dns" }, ports: KUBE_DNS_PORTS });
  const order = (w: K8sWorkload) => `${w.namespace}/${w.name}/${w.kind ?? ""}`;
  workloads.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  policies.push(...cilium.clusterwide(namespaces.values()));
  return { namespaces, workloads, policies, admin, present, notes };
}

/**
 * Kubernetes objects the engine does not read although they run pods or filter traffic: a known
 * kind at another apiVersion (`apps/v1beta1` Deployment, `extensions/v1beta1` NetworkPolicy), or
 * any object carrying a pod template. Each is named, so nothing is dropped silently.
 */
function unreadKinds(g: ResourceGraph): string[] {
  const known = new Set<string>([K8S.policy, K8S.namespace, K8S.pod, K8S.cronJob, K8S.anp, K8S.banp, ...K8S.templated]);
  const out: string[] = [];
  for (const r of g.resources) {
    if (!r.type.startsWith("kubernetes:") || known.has(r.type)) continue;
    const [, groupVersion = "", kind = ""] = r.type.split(":");
    const spec = plain(propsOf(r).spec);
    const podTemplate = !!plain(plain(spec?.template)?.spec)?.containers || !!plain(spec?.jobTemplate);
    if (!READ_KINDS.has(kind) && !podTemplate) continue;
    const reads = READ_KINDS.has(kind) ? `the engine reads ${kind} only as ${[...known].filter((t) => t.endsWith(`:${kind}`)).map((t) => t.split(":")[1]).join(", ")}` : "the engine does not read this kind";
    out.push(`${r.urn}: ${kind} of apiVersion ${groupVersion.replace(/^core\//, "")} is not analysed (${reads}); its pods and rules are not in the matrix`);
  }
  return out;
}

/** Parsed manifests (e.g. from `yaml.parseAllDocuments`) as resources, typed as the Kubernetes provider types them. */
export function k8sObjectsToResources(objects: readonly unknown[], stack = "stack", project = "project"): NetResource[] {
  const out: NetResource[] = [];
  for (const o of objects) {
    const obj = rec(o);
    if (!obj || obj === UNKNOWN) continue;
    const apiVersion = String(str(obj.apiVersion) ?? "");
    const kind = String(str(obj.kind) ?? "");
    if (!apiVersion || !kind) continue;
    const gv = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
    const type = `kubernetes:${gv}:${kind}`;
    const m = plain(obj.metadata);
    const n = str(m?.name);
    const nsName = str(m?.namespace);
    const name = typeof n === "string" ? n : kind;
    const ns = typeof nsName === "string" ? `${nsName}/` : "";
    out.push({ type, name: `${ns}${name}`, urn: `urn:pulumi:${stack}::${project}::${type}::${ns}${name}`, props: obj as Record<string, unknown> });
  }
  return out;
}
