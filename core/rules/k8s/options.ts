/**
 * The Kubernetes planner's options, parsed by a zod schema: the defaults and the field errors
 * come from it. The public type `K8sOptions` is written out (netseg's declarations never name
 * zod) and checked against the schema at compile time. Options describe the cluster (where DNS
 * and the egress proxy run, which mesh and CNI features exist), never the segmentation itself,
 * which stays in the intent.
 */
import type { IntentIssue } from "../../intent";
import { fromZodError } from "../../intent/zod-issues";
import { K8sOptionsSchema } from "./options-schema";
import { parseCidr, cidr } from "../../net/cidr";
import { dns1123LabelProblem, dns1123SubdomainProblem, labelKeyProblem, labelValueProblem } from "./names";

/** Private ranges (RFC 1918) always kept out of "the internet", so an internet rule never opens the cluster or the VPC. */
export const PRIVATE_RANGES: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

function compareCidrs(a: string, b: string): number {
  const x = cidr(a);
  const y = cidr(b);
  return x.start < y.start ? -1 : x.start > y.start ? 1 : x.prefix - y.prefix;
}

export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** How the cluster runs what the segmentation relies on; every field is optional. */
export type K8sOptions = {
  /** Pod Security admission level enforced, audited and warned on in every zone's namespace (default restricted, version latest), per zone where `zones` says so. */
  podSecurity?: { level?: PodSecurityLevel; version?: string; zones?: Record<string, PodSecurityLevel> };
  /** Where the cluster DNS runs (default kube-system, `{ k8s-app: kube-dns }`); every zone may reach it on UDP and TCP 53. */
  dns?: { namespace?: string; podLabels?: Record<string, string> };
  /** The egress proxy that enforces domain allow-lists, unless Cilium does (default egress-proxy, `{ app: egress-proxy }`, 3128). */
  egressProxy?: { namespace: string; podLabels: Record<string, string>; port: number };
  /** More ranges kept out of "the internet" besides RFC 1918, e.g. 169.254.0.0/16 (cloud metadata). */
  internetExcept?: string[];
  /** Mesh mode: PeerAuthentication STRICT per namespace, an AuthorizationPolicy per flow target by service-account principal. */
  istio?: boolean | { trustDomain?: string; apiVersion?: "security.istio.io/v1" | "security.istio.io/v1beta1" };
  /** CNI mode: domain allow-lists become CiliumNetworkPolicy toFQDNs rules instead of going through the egress proxy. */
  cilium?: boolean | { multiLevelWildcards?: boolean };
  /**
   * Cluster guardrails (off by default): per zone an AdminNetworkPolicy that allows DNS, passes
   * the intent's flows to NetworkPolicies and denies every other path to and from the other
   * zones, per tenant one that denies every other tenant, and the BaselineAdminNetworkPolicy;
   * needs a CNI implementing policy.networking.k8s.io/v1alpha1. `priorities` are where the
   * ranges start (zones 10, tenants 500): each guardrail takes its start plus its zone's or
   * tenant's slot, so every one has a priority of its own. `baseline: false` leaves the
   * cluster's one BANP to another owner. See guardrails.ts.
   */
  clusterGuardrails?: boolean | { priorities?: { tenants?: number; zones?: number }; baseline?: boolean };
};

export interface ResolvedK8sOptions {
  readonly podSecurity: { readonly level: PodSecurityLevel; readonly version: string; readonly zones: Readonly<Record<string, PodSecurityLevel>> };
  readonly dns: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  readonly egressProxy: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>>; readonly port: number };
  /** RFC 1918 plus `internetExcept`, canonical and sorted: the `except` of every internet egress rule. */
  readonly internetExcept: readonly string[];
  readonly istio?: { readonly trustDomain: string; readonly apiVersion: string };
  readonly cilium?: { readonly multiLevelWildcards: boolean };
  /** Absent when the option is off. */
  readonly clusterGuardrails?: ResolvedGuardrails;
}

export interface ResolvedGuardrails {
  readonly priorities: { readonly tenants: number; readonly zones: number };
  readonly baseline: boolean;
}

/** Checks a label map, reporting each bad key or value under `path`. */
export function labelIssues(path: string, map: Readonly<Record<string, string>>, what: string): IntentIssue[] {
  const out: IntentIssue[] = [];
  for (const [k, v] of Object.entries(map)) {
    const kp = labelKeyProblem(k);
    if (kp) out.push({ path, value: k, message: `${what} label key "${k}" ${kp}`, fix: "use a key such as app or example.com/tier" });
    const vp = labelValueProblem(v);
    if (vp) out.push({ path: `${path}.${k}`, value: v, message: `${what} label value ${vp}`, fix: "shorten it or replace other characters with '-'" });
  }
  return out;
}

/** Applies the defaults and checks the names; problems are returned, not thrown, so the planner reports them with the intent's. */
export function resolveK8sOptions(input: K8sOptions | undefined, zoneNames: readonly string[]): { options?: ResolvedK8sOptions; issues: IntentIssue[] } {
  const parsed = K8sOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    return { issues: fromZodError(parsed.error, input).map((i) => ({ ...i, path: i.path ? `options.${i.path}` : "options" })) };
  }
  const o = parsed.data;
  const issues: IntentIssue[] = [];
  for (const [path, ns] of [["options.dns.namespace", o.dns.namespace], ["options.egressProxy.namespace", o.egressProxy.namespace]] as const) {
    const p = dns1123LabelProblem(ns);
    if (p) issues.push({ path, value: ns, message: `a namespace name ${p}`, fix: "name the namespace the component really runs in" });
  }
  issues.push(...labelIssues("options.dns.podLabels", o.dns.podLabels, "a DNS pod"));
  issues.push(...labelIssues("options.egressProxy.podLabels", o.egressProxy.podLabels, "an egress proxy pod"));
  if (Object.keys(o.egressProxy.podLabels).length === 0) {
    issues.push({ path: "options.egressProxy.podLabels", message: "the egress proxy needs at least one pod label, or every pod of its namespace would count as the proxy", fix: "give the proxy pods' labels, e.g. { app: egress-proxy }" });
  }
  for (const zone of Object.keys(o.podSecurity.zones)) {
    if (!zoneNames.includes(zone)) issues.push({ path: `options.podSecurity.zones.${zone}`, value: zone, message: `"${zone}" is not a zone of the intent`, fix: `use one of ${zoneNames.join(", ")}` });
  }
  const istio = o.istio === false ? undefined : o.istio === true ? { trustDomain: "cluster.local", apiVersion: "security.istio.io/v1" } : o.istio;
  if (istio) {
    const p = dns1123SubdomainProblem(istio.trustDomain);
    if (p) issues.push({ path: "options.istio.trustDomain", value: istio.trustDomain, message: `a trust domain ${p}`, fix: "use the mesh's trust domain, by default cluster.local" });
  }
  const except = new Set(PRIVATE_RANGES);
  o.internetExcept.forEach((text, i) => {
    const c = parseCidr(text, { strict: true });
    if ("error" in c) issues.push({ path: `options.internetExcept[${i}]`, value: text, message: c.error, fix: "write an IPv4 block such as 169.254.0.0/16" });
    else if (c.family !== 4) issues.push({ path: `options.internetExcept[${i}]`, value: text, message: "must be an IPv4 block (the internet rule is 0.0.0.0/0)", fix: "write an IPv4 block such as 169.254.0.0/16" });
    else except.add(c.text);
  });
  const internetExcept = [...except].sort((a, b) => compareCidrs(a, b));
  const cilium = o.cilium === false ? undefined : o.cilium === true ? { multiLevelWildcards: false } : o.cilium;
  const clusterGuardrails = o.clusterGuardrails === false ? undefined : o.clusterGuardrails === true ? { priorities: { tenants: 500, zones: 10 }, baseline: true } : o.clusterGuardrails;
  const resolvedOptions: ResolvedK8sOptions = { podSecurity: o.podSecurity, dns: o.dns, egressProxy: o.egressProxy, internetExcept, istio, cilium };
  return { options: clusterGuardrails ? { ...resolvedOptions, clusterGuardrails } : resolvedOptions, issues };
}
