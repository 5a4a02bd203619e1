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
import type { Stage } from "../model";
import type { Entry } from "../stage";
import { displayName, propsOf, type ResourceGraph } from "../graph";
import { isUnknown, list, plain, rec, str, UNKNOWN, type Tri, type Unknown } from "../values";
import { showValue } from "../../show-value";
import type { K8sNamespace, K8sPolicy } from "./model";
import { matchSelector } from "./selectors";
import { ciliumRules, NAMESPACE_NAME_LABEL, splitSelector, type NpRule, type Source } from "./cilium-rules";

export { ciliumRuleLabel } from "./cilium-rules";

export const CILIUM = {
  policy: "kubernetes:cilium.io/v2:CiliumNetworkPolicy",
  clusterwide: "kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy",
} as const;

/** Marks a synthetic policy whose rules deny (ingressDeny / egressDeny). */
const DENY = Symbol.for("netseg.cilium.deny");

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
    allows[dir] = isUnknown(allowList) ? UNKNOWN : list(allowList).flatMap((r, i) => ciliumRules(r, dir, `${prefix(s)}${dir}[${i}]`, s, where, notes, false));
    denies[dir] = isUnknown(denyList) ? UNKNOWN : list(denyList).flatMap((r, i) => ciliumRules(r, dir, `${prefix(s)}${dir}Deny[${i}]`, s, where, notes, true));
    if (isUnknown(denyList) || list(denyList).length) deniedTypes.push(Dir);
  }
  const policyTypes = typesUnknown ? UNKNOWN : types;
  // No section and no default deny: the rule selects pods and changes nothing for them.
  if (!typesUnknown && !types.length) return [];
  out.push({ ...base, spec: { podSelector: selected, policyTypes, ingress: allows.ingress, egress: allows.egress } });
  if (deniedTypes.length) out.push(deny({ ...base, spec: { podSelector: selected, policyTypes: typesUnknown ? UNKNOWN : types, ingress: denies.ingress, egress: denies.egress } }));
  return out;
}

function prefix(s: Source): string {
  return s.path === "spec" ? "" : `${s.path}.`;
}

function deny(p: K8sPolicy): K8sPolicy {
  return Object.assign({ ...p }, { [DENY]: true }) as K8sPolicy;
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

