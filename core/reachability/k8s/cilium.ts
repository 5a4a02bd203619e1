/**
 * CiliumNetworkPolicy (cilium.io/v2) and CiliumClusterwideNetworkPolicy, read with Cilium's own
 * semantics and handed to the NetworkPolicy evaluator in its shape: each Cilium rule becomes an
 * NP-shaped policy (podSelector, policyTypes, rules of from/to peers and ports), so the union of
 * allows, the isolation per direction and named ports are judged by one engine, and a CNP and a
 * NetworkPolicy selecting the same pod add up as Cilium adds them.
 *
 * What Cilium means, as its documentation states it:
 * - `endpointSelector` selects pods of the policy's namespace (clusterwide: of every namespace).
 *   Labels may carry their source (`k8s:app`, `any:app`); the namespace is the label
 *   `io.kubernetes.pod.namespace`, namespace labels are `io.cilium.k8s.namespace.labels.<key>`.
 * - A pod is isolated (default deny) in a direction when a rule selecting it has `ingress` /
 *   `ingressDeny` (`egress` / `egressDeny`) entries, unless `enableDefaultDeny` turns it off.
 * - `fromEndpoints` / `toEndpoints` without a namespace label match the policy's own namespace
 *   only, `{}` included (every namespace in a clusterwide policy).
 * - Inside one rule the L3 selectors (endpoints, entities, CIDRs, FQDNs) are ORed and `toPorts`
 *   narrows them; a rule with ports and no L3 selector admits every peer on those ports; a rule
 *   with neither (`- {}`) admits nothing. Port protocol defaults to ANY, port `0` is every port.
 * - CIDR rules never match pods (as NetworkPolicy ipBlocks); entity `world` is everything
 *   outside the cluster (the internet and peers), `cluster` every pod, `all` both.
 * - `ingressDeny` / `egressDeny` win over every allow, from any CNP, CCNP or NetworkPolicy.
 * - `toFQDNs` admits only the addresses DNS answers gave for the names: the internet is
 *   reachable "to these names only", which the rule's label says on every path it opens.
 * - L7 rules (`rules.http`, `rules.dns`, ...) narrow requests inside the L4 allow: the L4 part
 *   is allowed and the label names the L7 restriction.
 * Anything else (toServices, toRequires, toGroups, toNodes, icmps, cidrGroupRef, service-account
 * or cluster labels, an unknown entity, an unknown field) is noted as not analysed and read at
 * its most open, as a "maybe", never dropped. Host policies (`nodeSelector`) select no pod.
 */
import { parseCidr } from "../../net/cidr";
import type { Stage } from "../model";
import type { Entry } from "../stage";
import { displayName, propsOf, type ResourceGraph } from "../graph";
import { isUnknown, list, plain, rec, str, strings, UNKNOWN, type Tri } from "../values";
import { showValue } from "../../show-value";
import type { K8sNamespace, K8sPolicy } from "./model";
import { matchSelector } from "./selectors";

export const CILIUM = {
  policy: "kubernetes:cilium.io/v2:CiliumNetworkPolicy",
  clusterwide: "kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy",
} as const;

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
const POD_NAMESPACE = "io.kubernetes.pod.namespace";
const NAMESPACE_LABELS = "io.cilium.k8s.namespace.labels.";
/** Label sources that stand for Kubernetes pod labels. */
const POD_SOURCES = ["k8s:", "any:"];

/**
 * Pulumi's sentinel for an unknown string: inside peers the evaluator memoises by JSON text,
 * which drops symbols, so an unknown there is written as the sentinel (read back as unknown).
 */
const MAYBE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The label a synthetic rule carries for the explanation (`egress[1] (toFQDNs: to api.stripe.com:443 only)`). */
const RULE_LABEL = Symbol.for("netseg.cilium.rule");
/** Marks a synthetic policy whose rules deny (ingressDeny / egressDeny). */
const DENY = Symbol.for("netseg.cilium.deny");

/** The label of a rule read from a Cilium policy, for its RuleRef; undefined for a NetworkPolicy rule. */
export function ciliumRuleLabel(rule: unknown): string | undefined {
  const r = rule as Record<PropertyKey, unknown> | null | undefined;
  const v = r && typeof r === "object" ? r[RULE_LABEL] : undefined;
  return typeof v === "string" ? v : undefined;
}

/** True for the deny half of a Cilium policy: its rules' entries deny. */
export function isCiliumDeny(p: K8sPolicy): boolean {
  return (p as unknown as Record<PropertyKey, unknown>)[DENY] === true;
}

/**
 * A stage of allows with the deny entries among `entries` applied: a certain deny takes its
 * traffic from what is certainly and possibly allowed, a "maybe" deny only from the certain part.
 */
export function withDenies(stage: Stage, entries: readonly Entry[]): Stage {
  let lower = stage.lower;
  let upper = stage.upper;
  const denies = [...stage.denies];
  for (const e of entries) {
    if (e.action !== "deny" || e.match === "no") continue;
    lower = lower.subtract(e.traffic);
    if (e.match === "yes") upper = upper.subtract(e.traffic);
    denies.push({ rule: e.rule, traffic: e.traffic, certain: e.match === "yes" });
  }
  return denies.length === stage.denies.length ? stage : { ...stage, lower, upper, denies };
}

type Peer = Record<PropertyKey, unknown>;
type NpRule = Record<PropertyKey, unknown>;

interface Source {
  readonly urn: string;
  readonly name: string;
  readonly kind: "CiliumNetworkPolicy" | "CiliumClusterwideNetworkPolicy";
  /** Undefined for a clusterwide policy, or a namespace unknown at preview. */
  readonly namespace?: string;
  readonly clusterwide: boolean;
  /** `spec`, or `specs[i]`, as written. */
  readonly path: string;
  readonly rule: unknown;
}

export interface CiliumRead {
  /** Namespaced policies, NP-shaped, ready for the evaluator (allow and deny halves). */
  readonly policies: K8sPolicy[];
  /** Clusterwide policies, expanded per namespace once every namespace is known. */
  readonly clusterwide: (namespaces: Iterable<K8sNamespace>) => K8sPolicy[];
  readonly notes: string[];
  /** Namespaces the policies name (their own and their peers'), which exist somewhere. */
  readonly namespaces: string[];
  /** Some CNP or CCNP is in the graph. */
  readonly present: boolean;
}

/** Reads every CNP and CCNP of the graph. */
export function readCilium(g: ResourceGraph): CiliumRead {
  const notes: string[] = [];
  const sources: Source[] = [];
  for (const [type, kind, clusterwide] of [
    [CILIUM.policy, "CiliumNetworkPolicy", false],
    [CILIUM.clusterwide, "CiliumClusterwideNetworkPolicy", true],
  ] as const) {
    for (const r of g.ofType(type)) {
      const props = propsOf(r);
      const md = plain(props.metadata) ?? {};
      const n = str(md.name);
      const ns = str(md.namespace);
      const namespace = clusterwide ? undefined : ns === UNKNOWN ? undefined : typeof ns === "string" ? ns : "default";
      const name = `${typeof n === "string" ? n : displayName(r)}`;
      const base = { urn: r.urn, name, kind, namespace, clusterwide };
      const specs = props.specs;
      if (props.spec !== undefined && props.spec !== null) sources.push({ ...base, path: "spec", rule: props.spec });
      if (isUnknown(specs)) sources.push({ ...base, path: "specs", rule: UNKNOWN });
      else list(specs).forEach((s, i) => sources.push({ ...base, path: `specs[${i}]`, rule: s }));
      if ((props.spec === undefined || props.spec === null) && (specs === undefined || specs === null)) notes.push(`${r.urn}: ${kind} ${name} has neither spec nor specs; it selects nothing`);
    }
  }
  const namespaced = sources.filter((s) => !s.clusterwide);
  const policies = namespaced.flatMap((s) => convert(s, s.namespace, notes));
  const named = new Set<string>();
  for (const p of policies) {
    if (p.namespace !== undefined) named.add(p.namespace);
    for (const dir of ["ingress", "egress"] as const) {
      for (const rule of list(p.spec[dir])) {
        for (const peer of list(plain(rule)?.[dir === "ingress" ? "from" : "to"])) {
          const ns = str(plain(plain(plain(peer)?.namespaceSelector)?.matchLabels)?.[NAMESPACE_NAME_LABEL]);
          if (typeof ns === "string") named.add(ns);
        }
      }
    }
  }
  const wide = sources.filter((s) => s.clusterwide);
  // Notes of clusterwide policies are taken once here, not once per namespace below.
  for (const s of wide) convert(s, undefined, notes);
  return {
    policies,
    notes,
    namespaces: [...named].sort(),
    present: sources.length > 0,
    clusterwide: (all) => {
      const out: K8sPolicy[] = [];
      for (const ns of all) for (const s of wide) out.push(...convert(s, ns.name, [], ns));
      return out;
    },
  };
}

const INGRESS_FIELDS = new Set(["fromEndpoints", "fromEntities", "fromCIDR", "fromCIDRSet", "fromRequires", "toPorts"]);
const EGRESS_FIELDS = new Set(["toEndpoints", "toEntities", "toCIDR", "toCIDRSet", "toFQDNs", "toRequires", "toPorts"]);
/** Fields that only narrow what the L3/L4 part allows, noted on the rule. */
const NARROWING = new Set(["authentication"]);

/**
 * One Cilium rule (a `spec`) as NP-shaped policies for namespace `ns` (`ns` undefined: the
 * namespace is unknown at preview, the evaluator reads it as "maybe any").
 */
function convert(s: Source, ns: string | undefined, notes: string[], nsObj?: K8sNamespace): K8sPolicy[] {
  const where = `${s.urn}: ${s.path}`;
  const base = { urn: s.urn, name: s.name, namespace: ns };
  const spec = rec(s.rule);
  if (spec === UNKNOWN || spec === undefined) {
    if (spec === undefined) notes.push(`${where}: not analysed: ${showValue(s.rule)} is no policy rule; read as possibly allowing and denying anything`);
    const unknown = { podSelector: UNKNOWN, policyTypes: UNKNOWN, ingress: UNKNOWN, egress: UNKNOWN };
    return [{ ...base, spec: unknown }, deny({ ...base, spec: unknown })];
  }
  if (spec.endpointSelector === undefined || spec.endpointSelector === null) {
    if (spec.nodeSelector !== undefined && spec.nodeSelector !== null) notes.push(`${where}: not analysed: a host policy (nodeSelector) filters nodes, which are no endpoints of this analysis; no pod is selected by it`);
    else notes.push(`${where}: has no endpointSelector; it selects no pod`);
    return [];
  }
  const selected = endpointSelector(spec.endpointSelector, s, ns, nsObj, where, notes);
  if (selected === undefined) return [];

  const out: K8sPolicy[] = [];
  const types: string[] = [];
  const deniedTypes: string[] = [];
  let typesUnknown = false;
  const dd = rec(spec.enableDefaultDeny);
  const allows: Record<string, NpRule[] | Unknown> = {};
  const denies: Record<string, NpRule[] | Unknown> = {};
  for (const dir of ["ingress", "egress"] as const) {
    const Dir = dir === "ingress" ? "Ingress" : "Egress";
    const allowList = spec[dir];
    const denyList = spec[`${dir}Deny`];
    const has = isUnknown(allowList) || isUnknown(denyList) || list(allowList).length > 0 || list(denyList).length > 0;
    const flag = dd === UNKNOWN ? UNKNOWN : dd?.[dir];
    if (isUnknown(flag)) typesUnknown = true;
    else if (flag === false) {
      if (has) {
        notes.push(`${where}: enableDefaultDeny.${dir} is false: the policy adds allows without isolating, which this analysis cannot tell apart; read as possibly isolating`);
        typesUnknown = true;
      }
    } else if (flag === true || has) types.push(Dir);
    allows[dir] = isUnknown(allowList) ? UNKNOWN : list(allowList).flatMap((r, i) => rules(r, dir, `${prefix(s)}${dir}[${i}]`, s, where, notes, false));
    denies[dir] = isUnknown(denyList) ? UNKNOWN : list(denyList).flatMap((r, i) => rules(r, dir, `${prefix(s)}${dir}Deny[${i}]`, s, where, notes, true));
    if (isUnknown(denyList) || list(denyList).length) deniedTypes.push(Dir);
  }
  const policyTypes = typesUnknown ? UNKNOWN : types;
  // No section and no default deny: the rule selects pods and changes nothing for them.
  if (!typesUnknown && !types.length) return [];
  out.push({ ...base, spec: { podSelector: selected, policyTypes, ingress: allows.ingress, egress: allows.egress } });
  if (deniedTypes.length) out.push(deny({ ...base, spec: { podSelector: selected, policyTypes: typesUnknown ? UNKNOWN : types, ingress: denies.ingress, egress: denies.egress } }));
  return out;
}

type Unknown = typeof UNKNOWN;

function prefix(s: Source): string {
  return s.path === "spec" ? "" : `${s.path}.`;
}

function deny(p: K8sPolicy): K8sPolicy {
  return Object.assign({ ...p }, { [DENY]: true }) as K8sPolicy;
}

function labelled<T extends object>(x: T, text: string): T {
  return Object.assign(x, { [RULE_LABEL]: text });
}

/** A label key without its source, and whether the source is a Kubernetes pod label. */
function splitKey(key: string): { key: string; source: "pod" | "reserved" | "other" } {
  for (const p of POD_SOURCES) if (key.startsWith(p)) return { key: key.slice(p.length), source: "pod" };
  if (key.startsWith("reserved:")) return { key: key.slice("reserved:".length), source: "reserved" };
  const colon = key.indexOf(":");
  const slash = key.indexOf("/");
  // `example.com/app` has no source; `container:x` has one this analysis does not model.
  if (colon >= 0 && (slash < 0 || colon < slash)) return { key, source: "other" };
  return { key, source: "pod" };
}

interface Split {
  /** The pod part, as a Kubernetes LabelSelector. */
  readonly pod: Record<string, unknown>;
  /** The namespace part, as a selector over namespace labels (undefined: no constraint). */
  readonly ns?: Record<string, unknown>;
  /** Reserved labels (entities) the selector names. */
  readonly reserved: string[];
  /** Keys this analysis cannot judge (service account, cluster, other sources). */
  readonly unjudged: string[];
}

/** Splits a Cilium endpoint selector into its pod part and its namespace part. */
function splitSelector(sel: Readonly<Record<string, unknown>>): Split {
  const podLabels: Record<string, unknown> = {};
  const nsLabels: Record<string, unknown> = {};
  const podExprs: unknown[] = [];
  const nsExprs: unknown[] = [];
  const reserved: string[] = [];
  const unjudged: string[] = [];
  const place = (rawKey: string): { side: "pod" | "ns"; key: string } | undefined => {
    const { key, source } = splitKey(rawKey);
    if (source === "reserved") {
      reserved.push(key);
      return undefined;
    }
    if (source === "other" || key.startsWith("io.cilium.k8s.policy.")) {
      unjudged.push(rawKey);
      return undefined;
    }
    if (key === POD_NAMESPACE) return { side: "ns", key: NAMESPACE_NAME_LABEL };
    if (key.startsWith(NAMESPACE_LABELS)) return { side: "ns", key: key.slice(NAMESPACE_LABELS.length) };
    return { side: "pod", key };
  };
  const ml = rec(sel.matchLabels);
  if (ml === UNKNOWN) podLabels[""] = MAYBE;
  else for (const [k, v] of Object.entries(ml ?? {})) {
    const p = place(k);
    if (p) (p.side === "pod" ? podLabels : nsLabels)[p.key] = v;
  }
  const exprs = sel.matchExpressions;
  if (isUnknown(exprs)) podExprs.push(MAYBE);
  else for (const x of list(exprs)) {
    const e = plain(x);
    const k = e ? str(e.key) : undefined;
    if (!e || typeof k !== "string") {
      podExprs.push(x);
      continue;
    }
    const p = place(k);
    if (p) (p.side === "pod" ? podExprs : nsExprs).push({ ...e, key: p.key });
  }
  const selector = (labels: Record<string, unknown>, exprs: unknown[]) => ({
    ...(Object.keys(labels).length ? { matchLabels: "" in labels ? MAYBE : labels } : {}),
    ...(exprs.length ? { matchExpressions: exprs.some(isUnknown) ? MAYBE : exprs } : {}),
  });
  const hasNs = Object.keys(nsLabels).length > 0 || nsExprs.length > 0;
  return { pod: selector(podLabels, podExprs), ns: hasNs ? selector(nsLabels, nsExprs) : undefined, reserved, unjudged };
}

/**
 * The NP podSelector of a policy's endpointSelector in namespace `ns`, or undefined when it
 * selects no pod there (noted). An unjudged key or a namespace part that only may match gives
 * an unknown selector: the policy "may" select each pod of the namespace.
 */
function endpointSelector(raw: unknown, s: Source, ns: string | undefined, nsObj: K8sNamespace | undefined, where: string, notes: string[]): unknown {
  const sel = rec(raw);
  if (sel === UNKNOWN || sel === undefined) return UNKNOWN;
  const split = splitSelector(sel);
  if (split.reserved.length) {
    notes.push(`${where}: not analysed: endpointSelector names reserved:${split.reserved.join(", reserved:")} (the host or Cilium's own endpoints), no pod of this analysis`);
    return undefined;
  }
  if (split.unjudged.length) {
    notes.push(`${where}: not analysed: endpointSelector label${split.unjudged.length > 1 ? "s" : ""} ${split.unjudged.join(", ")} (service account, cluster or a non-Kubernetes source) cannot be judged; the policy may select any pod${s.clusterwide ? "" : ` in namespace ${ns}`}`);
    return UNKNOWN;
  }
  if (!split.ns || ns === undefined) return split.pod;
  const nsLabels = nsObj ? { labels: nsObj.labels, complete: nsObj.declared } : { labels: { [NAMESPACE_NAME_LABEL]: ns }, complete: false };
  const t: Tri = matchSelector(split.ns, nsLabels);
  if (t === "no") {
    if (!s.clusterwide) notes.push(`${where}: endpointSelector names another namespace than the policy's own (${ns}); Cilium confines a namespaced policy to its namespace, so it selects no pod`);
    return undefined;
  }
  return t === "yes" ? split.pod : UNKNOWN;
}

/** The NP-shaped peer of one Cilium endpoint selector in a from/toEndpoints list. */
function endpointPeer(raw: unknown, s: Source): { peers: Peer[]; uncertain?: string; entities: string[] } {
  const sel = rec(raw);
  if (sel === UNKNOWN || sel === undefined) return { peers: [], uncertain: "an endpoint selector unknown at preview", entities: [] };
  const split = splitSelector(sel);
  if (split.unjudged.length) return { peers: [], uncertain: `endpoint label ${split.unjudged.join(", ")} (service account, cluster or a non-Kubernetes source)`, entities: [] };
  if (split.reserved.length) return { peers: [], entities: split.reserved };
  // Without a namespace part a namespaced policy's selector stays in its own namespace (an NP
  // peer without namespaceSelector means exactly that); a clusterwide one spans every namespace.
  const ns = split.ns ?? (s.clusterwide ? {} : undefined);
  return { peers: [{ ...(ns ? { namespaceSelector: ns } : {}), podSelector: split.pod }], entities: [] };
}

const WORLD: readonly Peer[] = [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }];
const ALL_PODS: Peer = { namespaceSelector: {}, podSelector: {} };
/** Any external address, or any pod, only "maybe" (the evaluator reads an unknown block or selector so). */
const MAYBE_WORLD: readonly Peer[] = [{ ipBlock: { cidr: MAYBE } }];
const MAYBE_PODS: Peer = { namespaceSelector: {}, podSelector: MAYBE };

/** Entities as peers; `none` for those that stand for no endpoint of this analysis. */
function entityPeers(e: string): { peers: readonly Peer[]; kind: "peers" | "none" | "maybe" } {
  switch (e) {
    case "world":
      return { peers: WORLD, kind: "peers" };
    case "world-ipv4":
      return { peers: [WORLD[0]], kind: "peers" };
    case "world-ipv6":
      return { peers: [WORLD[1]], kind: "peers" };
    case "cluster":
      return { peers: [ALL_PODS], kind: "peers" };
    case "all":
      return { peers: [ALL_PODS, ...WORLD], kind: "peers" };
    // The nodes, Cilium's health and ingress endpoints, endpoints still starting: no endpoint here.
    case "host":
    case "remote-node":
    case "health":
    case "ingress":
    case "init":
    case "none":
      return { peers: [], kind: "none" };
    // The API server may run outside the cluster at any address; unmanaged pods may be any pod.
    case "kube-apiserver":
      return { peers: MAYBE_WORLD, kind: "maybe" };
    case "unmanaged":
      return { peers: [MAYBE_PODS], kind: "maybe" };
    default:
      return { peers: [MAYBE_PODS, ...MAYBE_WORLD], kind: "maybe" };
  }
}

/** A CIDR text as an ipBlock, or undefined when malformed. */
function cidrText(v: unknown): string | Unknown | undefined {
  if (isUnknown(v)) return UNKNOWN;
  if (typeof v !== "string") return undefined;
  const c = parseCidr(v.trim());
  return "error" in c ? undefined : v.trim();
}

const PROTOCOLS_OF: Record<string, readonly string[]> = { TCP: ["TCP"], UDP: ["UDP"], SCTP: ["SCTP"], ANY: ["TCP", "UDP", "SCTP"] };

/** `toPorts` as NP ports (undefined: every port), the L7 notes, and what could not be read. */
function portsOf(raw: unknown, where: string, label: string, notes: string[]): { ports?: unknown; l7: string[]; text: string[] } {
  if (raw === undefined || raw === null) return { l7: [], text: [] };
  if (isUnknown(raw)) return { ports: UNKNOWN, l7: [], text: [] };
  const out: Record<string, unknown>[] = [];
  const l7: string[] = [];
  const text: string[] = [];
  let unknown = false;
  list(raw).forEach((pr, i) => {
    const portRule = plain(pr);
    if (!portRule) {
      unknown = true;
      return;
    }
    const rules = plain(portRule.rules);
    for (const [k, v] of Object.entries(rules ?? {})) l7.push(`${k}${k === "dns" ? `: lookups of ${list(v).map((x) => str(plain(x)?.matchPattern) ?? str(plain(x)?.matchName)).filter((x) => typeof x === "string").join(", ") || "(none)"}` : ""}`);
    if (isUnknown(portRule.rules)) l7.push("L7 rules unknown at preview");
    if (portRule.serverNames !== undefined) l7.push(`TLS server names ${showValue(portRule.serverNames)}`);
    for (const k of ["listener", "terminatingTLS", "originatingTLS"]) if (portRule[k] !== undefined) l7.push(k);
    const ports = portRule.ports;
    if (isUnknown(ports)) {
      unknown = true;
      return;
    }
    if (!list(ports).length) {
      // A port rule with only L7 rules applies to every port.
      out.push(...["TCP", "UDP", "SCTP"].map((protocol) => ({ protocol })));
      text.push("any port");
      return;
    }
    list(ports).forEach((pp, j) => {
      const p = plain(pp);
      const proto = p ? str(p.protocol) ?? "ANY" : UNKNOWN;
      if (!p || proto === UNKNOWN || isUnknown(p.port) || isUnknown(p.endPort)) {
        unknown = true;
        return;
      }
      const protos = PROTOCOLS_OF[String(proto).toUpperCase()];
      if (!protos) {
        notes.push(`${where}: not analysed: ${label}.toPorts[${i}].ports[${j}] protocol ${showValue(proto)} is not TCP, UDP, SCTP or ANY; read as any port, a "maybe"`);
        unknown = true;
        return;
      }
      const portText = p.port === undefined || p.port === null ? "0" : String(p.port).trim();
      const end = p.endPort === undefined || p.endPort === null ? undefined : Number(p.endPort);
      const numeric = /^\d+$/.test(portText);
      if (numeric && (Number(portText) > 65535 || (end !== undefined && (!Number.isInteger(end) || end < Number(portText) || end > 65535)))) {
        notes.push(`${where}: ${label}.toPorts[${i}].ports[${j}]: port ${portText}${end !== undefined ? `-${end}` : ""} is not a port range from 0 to 65535; Cilium would reject it, so it is read as any port, a "maybe"`);
        unknown = true;
        return;
      }
      for (const protocol of protos) {
        if (numeric && Number(portText) === 0 && end === undefined) out.push({ protocol });
        else if (numeric) out.push({ protocol, port: Number(portText), ...(end !== undefined && end > Number(portText) ? { endPort: end } : {}) });
        else out.push({ protocol, port: portText });
      }
      text.push(`${String(proto).toLowerCase()}/${portText === "0" && end === undefined ? "any" : portText}${end !== undefined && end > Number(portText) ? `-${end}` : ""}`);
    });
  });
  return { ports: unknown ? UNKNOWN : out, l7, text };
}

/**
 * One Cilium ingress/egress (deny) rule as NP-shaped rules: the part this analysis reads
 * exactly, and, for what it cannot read, a rule that "may" match any peer on any port.
 */
function rules(raw: unknown, dir: "ingress" | "egress", label: string, s: Source, where: string, notes: string[], isDeny: boolean): NpRule[] {
  const side = dir === "ingress" ? "from" : "to";
  const r = rec(raw);
  const anything = (why: string): NpRule => labelled({ [side]: UNKNOWN }, `${label} (${why}: read as possibly any peer, any port)`);
  if (r === UNKNOWN || r === undefined) return [anything("unknown at preview")];
  // fromRequires / toRequires narrow every selector of the rule by labels this analysis does
  // not pair up: the whole rule only "may" admit.
  const requires = r[`${side}Requires`];
  if (requires !== undefined && requires !== null && !(Array.isArray(requires) && requires.length === 0)) {
    notes.push(`${where}: not analysed: ${label} ${side}Requires (deprecated constraints on the peers' labels); the rule is read as possibly any peer, any port`);
    return [anything(`not analysed: ${side}Requires`)];
  }
  const known = dir === "ingress" ? INGRESS_FIELDS : EGRESS_FIELDS;
  const out: NpRule[] = [];
  const unread: string[] = [];
  const narrowing: string[] = [];
  for (const k of Object.keys(r)) {
    if (known.has(k) || r[k] === undefined || r[k] === null || (Array.isArray(r[k]) && r[k].length === 0)) continue;
    if (NARROWING.has(k)) narrowing.push(k);
    else unread.push(k);
  }
  const peers: Peer[] = [];
  const maybePeers: Peer[] = [];
  const why: string[] = [];
  let l3 = false;
  // Cilium reads an empty selector list as an absent one.
  const given = (v: unknown) => isUnknown(v) || list(v).length > 0;
  const ends = r[`${side}Endpoints`];
  if (given(ends)) {
    l3 = true;
    if (isUnknown(ends)) unread.push(`${side}Endpoints (unknown at preview)`);
    for (const e of list(ends)) {
      const p = endpointPeer(e, s);
      peers.push(...p.peers);
      if (p.uncertain) unread.push(p.uncertain);
      for (const x of p.entities) {
        const m = entityPeers(x);
        (m.kind === "maybe" ? maybePeers : peers).push(...m.peers);
        if (m.kind !== "peers") why.push(`reserved:${x}`);
      }
    }
  }
  const ents = r[`${side}Entities`];
  if (given(ents)) {
    l3 = true;
    const names = strings(ents);
    if (names.unknown) unread.push(`${side}Entities (unknown at preview)`);
    for (const x of names.values) {
      const m = entityPeers(x);
      (m.kind === "maybe" ? maybePeers : peers).push(...m.peers);
      if (m.kind !== "peers") why.push(x);
    }
  }
  for (const field of [`${side}CIDR`, `${side}CIDRSet`]) {
    const v = r[field];
    if (!given(v)) continue;
    l3 = true;
    if (isUnknown(v)) {
      maybePeers.push(...MAYBE_WORLD);
      continue;
    }
    list(v).forEach((x, i) => {
      const entry = field.endsWith("Set") ? plain(x) : { cidr: x };
      if (!entry) return void unread.push(`${field}[${i}]`);
      if (entry.cidrGroupRef !== undefined || entry.cidrGroupSelector !== undefined) return void unread.push(`${field}[${i}].cidrGroup (CiliumCIDRGroup)`);
      const cidr = cidrText(entry.cidr);
      const except = isUnknown(entry.except) ? UNKNOWN : list(entry.except).map(cidrText);
      if (cidr === undefined || (except !== UNKNOWN && except.some((e) => e === undefined))) {
        notes.push(`${where}: ${label}.${field}[${i}]: ${showValue(entry.cidr)}${entry.except ? ` except ${showValue(entry.except)}` : ""} is not a valid CIDR (list); Cilium would reject it, so it is read as unknown, a "maybe"`);
        maybePeers.push(...MAYBE_WORLD);
        return;
      }
      const exceptList = except === UNKNOWN ? [MAYBE] : except.map((e) => (e === UNKNOWN ? MAYBE : e));
      peers.push({ ipBlock: { cidr: cidr === UNKNOWN ? MAYBE : cidr, ...(exceptList.length ? { except: exceptList } : {}) } });
    });
  }
  let fqdn: string[] | undefined;
  if (dir === "egress" && given(r.toFQDNs)) {
    l3 = true;
    if (isUnknown(r.toFQDNs)) maybePeers.push(...MAYBE_WORLD);
    else {
      fqdn = list(r.toFQDNs).map((x) => {
        const f = plain(x);
        const n = f ? str(f.matchName) ?? str(f.matchPattern) : undefined;
        return typeof n === "string" ? n : "(a name unknown at preview)";
      });
      if (fqdn.length) peers.push(...WORLD);
    }
  }
  const ports = portsOf(r.toPorts, where, label, notes);
  // A field this analysis cannot read may be an L3 selector (toServices, toGroups...): the rule
  // is then no L4-only rule for every peer; what it may admit is the "maybe" rule below.
  if (unread.length) l3 = true;
  if (!l3 && !given(r.toPorts)) {
    // `- {}`: selects the endpoint (isolation) and admits nothing; only unread fields may add.
    if (unread.length) {
      notes.push(`${where}: not analysed: ${label} ${unread.join(", ")}; read as possibly any peer, any port`);
      out.push(anything(`not analysed: ${unread.join(", ")}`));
    }
    return out;
  }
  const details: string[] = [];
  const portText = ports.text.length ? ports.text.join(", ") : "any port";
  if (fqdn) details.push(`toFQDNs: to ${ports.text.length ? fqdn.flatMap((n) => ports.text.map((p) => `${n}:${p.replace(/^[a-z]+\//, "")}`)).join(", ") : fqdn.join(", ")} only (addresses learned from DNS answers)`);
  if (why.length) details.push(`${why.join(", ")}: no endpoint of this analysis${maybePeers.length ? " (the API server or unmanaged pods may be any address or pod: a \"maybe\")" : ""}`);
  if (ports.l7.length && !isDeny) details.push(`L7 ${ports.l7.join("; ")}: only matching requests pass on ${portText}`);
  if (narrowing.length) details.push(`${narrowing.join(", ")}: narrows further, not analysed`);
  const text = details.length ? `${label} (${details.join("; ")})` : label;
  const withPorts = (x: NpRule): NpRule => (ports.ports === undefined ? x : { ...x, ports: ports.ports });
  if (!l3) out.push(labelled(withPorts({}), text));
  else if (peers.length) out.push(labelled(withPorts({ [side]: peers }), text));
  if (maybePeers.length) out.push(labelled(withPorts({ [side]: maybePeers }), `${text} (may match)`));
  if (l3 && !peers.length && !maybePeers.length && !unread.length) notes.push(`${where}: ${label} names only ${why.join(", ") || "nothing"}, no endpoint of this analysis; it adds nothing here`);
  if (unread.length) {
    notes.push(`${where}: not analysed: ${label} ${unread.join(", ")}; read as possibly any peer, any port`);
    out.push(anything(`not analysed: ${unread.join(", ")}`));
  }
  return out;
}
