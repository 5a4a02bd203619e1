/**
 * One rule of a CiliumNetworkPolicy (an ingress, egress or deny entry) in the NetworkPolicy
 * evaluator's shape: endpoint selectors split into their namespace and pod parts, entities and
 * CIDR sets as peers, `toPorts` as ports, and a label on each rule naming what the analysis
 * cannot see (FQDN names, L7 rules). What it cannot read becomes a rule that "may" admit
 * anything, and a note. ./cilium.ts reads whole policies and says which Cilium semantics apply.
 */
import { parseCidr } from "../../net/cidr";
import { isUnknown, list, plain, rec, str, strings, UNKNOWN, type Unknown } from "../values";
import { showValue } from "../../show-value";

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
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

/** The label of a rule read from a Cilium policy, for its RuleRef; undefined for a NetworkPolicy rule. */
export function ciliumRuleLabel(rule: unknown): string | undefined {
  const r = rule as Record<PropertyKey, unknown> | null | undefined;
  const v = r && typeof r === "object" ? r[RULE_LABEL] : undefined;
  return typeof v === "string" ? v : undefined;
}

export type Peer = Record<PropertyKey, unknown>;
export type NpRule = Record<PropertyKey, unknown>;

export interface Source {
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

const INGRESS_FIELDS = new Set(["fromEndpoints", "fromEntities", "fromCIDR", "fromCIDRSet", "fromRequires", "toPorts"]);
const EGRESS_FIELDS = new Set(["toEndpoints", "toEntities", "toCIDR", "toCIDRSet", "toFQDNs", "toRequires", "toPorts"]);
/** Fields that only narrow what the L3/L4 part allows, noted on the rule. */
const NARROWING = new Set(["authentication"]);

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

export interface Split {
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
export function splitSelector(sel: Readonly<Record<string, unknown>>): Split {
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
export function ciliumRules(raw: unknown, dir: "ingress" | "egress", label: string, s: Source, where: string, notes: string[], isDeny: boolean): NpRule[] {
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
