/**
 * The Kubernetes plan of an intent: per managed zone a labelled namespace, a default deny, DNS
 * egress, and one NetworkPolicy per flow target (the zone or a workload in it) carrying all of
 * that target's ingress and egress rules; in Istio mode mTLS and AuthorizationPolicies, in
 * Cilium mode a CiliumNetworkPolicy per flow target instead and FQDN policies (cilium.ts); with `clusterGuardrails`, AdminNetworkPolicies and the
 * BaselineAdminNetworkPolicy (guardrails.ts), the namespaces marked so. Pure data, sorted, so
 * the same intent gives the same plan byte for byte. Zones with `managed: false` exist already:
 * they are referenced in selectors, never given objects.
 */
import { IntentError, type Intent, type Zone } from "../../intent";
import { zoneMarks, TAG } from "../../tags";
import { compileNeutralRules, type NeutralRule } from "../neutral";
import { k8sIntentIssues } from "./checks";
import type { AuthorizationPolicy, CiliumNetworkPolicy, K8sObject, Namespace, NetworkPolicy, PeerAuthentication } from "./manifests";
import { targetKey, type Target } from "./naming";
import { defaultDeny, dnsPolicy, egressProxyPolicy, targetPolicy, type MetaFor } from "./network-policies";
import { resolveK8sOptions, type K8sOptions, type ResolvedK8sOptions } from "./options";
import { allowNothing, authorizationPolicy, peerAuthentication } from "./istio";
import { flowPolicy, fqdnPolicy } from "./cilium";
import type { AdminNetworkPolicy, BaselineAdminNetworkPolicy } from "./admin-manifests";
import { GUARDRAILS_LABEL, GUARDRAILS_MARK, guardrailIssues, planGuardrails, type GuardrailLayout } from "./guardrails";
import { quarantineAdminPolicies, quarantineAuthorizationPolicies, quarantineCiliumPolicies, quarantineNetworkPolicies } from "./quarantine";

/** Label naming the workload an object belongs to (absent on zone-wide objects). */
export const WORKLOAD_LABEL = "netseg.dev/workload";

export interface K8sPlan {
  readonly namespaces: readonly Namespace[];
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly peerAuthentications: readonly PeerAuthentication[];
  readonly authorizationPolicies: readonly AuthorizationPolicy[];
  readonly ciliumNetworkPolicies: readonly CiliumNetworkPolicy[];
  /** The options as applied (defaults filled). */
  readonly options: ResolvedK8sOptions;
  /** With `clusterGuardrails` only (absent otherwise, so a plan without them is unchanged): cluster-scoped, by name. */
  readonly adminNetworkPolicies?: readonly AdminNetworkPolicy[];
  /** With `clusterGuardrails` unless `baseline: false`: the cluster's singleton BANP. */
  readonly baselineAdminNetworkPolicy?: BaselineAdminNetworkPolicy;
}

/** How the zones of a tenant layout map to tenants and guardrail priorities (see tenants.ts); absent for an intent without tenants. */
export type K8sTenancy = GuardrailLayout;

function marks(intent: Intent, zone: Zone): Record<string, string> {
  return zoneMarks("k8s", { intent: intent.name, zone: zone.name, internet: zone.internet, egress: zone.egress, sensitive: zone.sensitive });
}

function podSecurityLabels(zone: Zone, options: ResolvedK8sOptions): Record<string, string> {
  const level = options.podSecurity.zones[zone.name] ?? options.podSecurity.level;
  const out: Record<string, string> = {};
  for (const mode of ["enforce", "audit", "warn"]) {
    out[`pod-security.kubernetes.io/${mode}`] = level;
    out[`pod-security.kubernetes.io/${mode}-version`] = options.podSecurity.version;
  }
  return out;
}

function namespaceOf(intent: Intent, zone: Zone, options: ResolvedK8sOptions, tenancy?: K8sTenancy): Namespace {
  const labels: Record<string, string> = { ...marks(intent, zone), ...podSecurityLabels(zone, options) };
  if (options.istio) labels["istio-injection"] = "enabled";
  const tenant = tenancy?.tenantOf.get(zone.name);
  if (tenant !== undefined) labels[TAG.k8s.tenant] = tenant;
  if (options.clusterGuardrails) labels[GUARDRAILS_LABEL] = options.clusterGuardrails.baseline ? GUARDRAILS_MARK.withBaseline : GUARDRAILS_MARK.adminOnly;
  return { apiVersion: "v1", kind: "Namespace", metadata: { name: zone.name, labels: sortKeys(labels) } };
}

function sortKeys(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function byName<T extends { metadata: { name: string; namespace?: string } }>(a: T, b: T): number {
  const ka = `${a.metadata.namespace ?? ""}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ""}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Groups rules by the target (zone, workload) that carries them, in target-key order. */
function byTarget(rules: readonly NeutralRule[]): { target: Target; rules: NeutralRule[] }[] {
  const groups = new Map<string, { target: Target; rules: NeutralRule[] }>();
  for (const r of rules) {
    const target: Target = r.workload ? { zone: r.zone, workload: r.workload } : { zone: r.zone };
    const key = targetKey(target);
    if (!groups.has(key)) groups.set(key, { target, rules: [] });
    groups.get(key)!.rules.push(r);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, g]) => g);
}

/**
 * Plans the Kubernetes objects of an intent. Throws one IntentError listing every problem
 * (names Kubernetes refuses, icmp flows, Istio sources without service accounts, bad options).
 */
export function planK8s(intent: Intent, options?: K8sOptions, tenancy?: K8sTenancy): K8sPlan {
  const resolved = resolveK8sOptions(options, intent.zones.map((z) => z.name));
  const issues = [...resolved.issues, ...(resolved.options ? k8sIntentIssues(intent, resolved.options) : [])];
  if (issues.length || !resolved.options) throw new IntentError(issues, "the Kubernetes plan");
  const opts = resolved.options;

  const zones = new Map(intent.zones.map((z) => [z.name, z]));
  const meta: MetaFor = (zone, name, role, target) => ({
    name,
    namespace: zone.name,
    labels: sortKeys({ ...marks(intent, zone), [TAG.k8s.role]: role, ...(target?.workload ? { [WORKLOAD_LABEL]: target.workload } : {}) }),
  });
  const rules = compileNeutralRules(intent).filter((r) => zones.get(r.zone)?.managed);

  const namespaces: Namespace[] = [];
  const networkPolicies: NetworkPolicy[] = [];
  const peerAuthentications: PeerAuthentication[] = [];
  const authorizationPolicies: AuthorizationPolicy[] = [];
  const ciliumNetworkPolicies: CiliumNetworkPolicy[] = [];

  for (const zone of intent.zones.filter((z) => z.managed)) {
    namespaces.push(namespaceOf(intent, zone, opts, tenancy));
    networkPolicies.push(defaultDeny(zone, meta), dnsPolicy(zone, opts, meta));
    if (opts.istio) {
      peerAuthentications.push(peerAuthentication(zone, opts.istio, meta));
      authorizationPolicies.push(allowNothing(zone, opts.istio, meta));
    }
  }
  for (const { target, rules: own } of byTarget(rules)) {
    const zone = zones.get(target.zone)!;
    if (!opts.cilium) networkPolicies.push(targetPolicy(intent, zone, target, own, opts, meta));
    if (opts.istio) {
      const authz = authorizationPolicy(intent, zone, target, own.filter((r) => r.direction === "ingress"), opts.istio, meta);
      if (authz) authorizationPolicies.push(authz);
    }
    if (opts.cilium) {
      // Cilium mode: the target's flows as a CiliumNetworkPolicy (cilium.ts says why).
      const flows = flowPolicy(intent, zone, target, own, opts, meta);
      if (flows) ciliumNetworkPolicies.push(flows);
      for (const r of own.filter((x) => x.peer.kind === "proxy")) ciliumNetworkPolicies.push(fqdnPolicy(zone, target, r, opts, opts.cilium, meta));
    }
  }
  const proxyZone = zones.get(opts.egressProxy.namespace);
  if (!opts.cilium && proxyZone?.managed) {
    const proxyPolicy = egressProxyPolicy(intent, proxyZone, rules.filter((r) => r.peer.kind === "proxy"), opts, meta);
    if (proxyPolicy) networkPolicies.push(proxyPolicy);
  }

  const planned = opts.clusterGuardrails ? planGuardrails(intent, rules, opts, opts.clusterGuardrails, tenancy ?? { tenantOf: new Map() }) : undefined;
  // A quarantine (quarantine.ts): ANPs on top of the guardrails, the target's own policies emptied, an Istio DENY.
  const guardrails = planned && intent.quarantine?.length ? { ...planned, adminNetworkPolicies: [...quarantineAdminPolicies(intent, opts), ...planned.adminNetworkPolicies].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0)) } : planned;
  const guardrailProblems = guardrails ? guardrailIssues(guardrails) : [];
  if (guardrailProblems.length) throw new IntentError(guardrailProblems, "the Kubernetes cluster guardrails");
  const quarantined = quarantineNetworkPolicies(intent, networkPolicies, !!opts.clusterGuardrails);
  const quarantinedCilium = quarantineCiliumPolicies(intent, ciliumNetworkPolicies, !!opts.clusterGuardrails);
  if (quarantined.issues.length || quarantinedCilium.issues.length) throw new IntentError([...quarantined.issues, ...quarantinedCilium.issues], "the Kubernetes quarantine");
  networkPolicies.splice(0, networkPolicies.length, ...quarantined.policies);
  ciliumNetworkPolicies.splice(0, ciliumNetworkPolicies.length, ...quarantinedCilium.policies);
  if (opts.istio) authorizationPolicies.push(...quarantineAuthorizationPolicies(intent, opts.istio.apiVersion));

  return {
    namespaces: namespaces.sort(byName),
    networkPolicies: networkPolicies.sort(byName),
    peerAuthentications: peerAuthentications.sort(byName),
    authorizationPolicies: authorizationPolicies.sort(byName),
    ciliumNetworkPolicies: ciliumNetworkPolicies.sort(byName),
    options: opts,
    ...(guardrails ?? {}),
  };
}

/** Every object of a plan, namespaces first (they must exist before what lives in them). */
export function k8sPlanObjects(plan: K8sPlan): K8sObject[] {
  return [
    ...plan.namespaces,
    ...plan.networkPolicies,
    ...plan.peerAuthentications,
    ...plan.authorizationPolicies,
    ...plan.ciliumNetworkPolicies,
    ...(plan.adminNetworkPolicies ?? []),
    ...(plan.baselineAdminNetworkPolicy ? [plan.baselineAdminNetworkPolicy] : []),
  ];
}
