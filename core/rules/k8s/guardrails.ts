/**
 * Cluster guardrails: AdminNetworkPolicies (ANP) and the BaselineAdminNetworkPolicy (BANP) that
 * keep the intent's zones apart whatever NetworkPolicies a namespace owner adds.
 *
 * The API evaluates, for each direction of a connection: ANPs by priority (lower first; inside
 * one ANP, rules in order), where Allow and Deny are final and Pass skips to the
 * NetworkPolicies; then the NetworkPolicies (an allow there is final, and a pod no
 * NetworkPolicy selects is not isolated); then, for traffic no NetworkPolicy decided, the BANP;
 * then the default allow. So the only layer a namespace owner cannot override is an ANP Allow or
 * Deny, and "an owner's NetworkPolicy cannot open a path the intent forbids" needs the
 * forbidding to be an ANP Deny. A BANP deny is not enough: any NetworkPolicy allow outranks it.
 *
 * Per managed zone one ANP (priority `zones` plus the zone's slot), subject the zone's namespace
 * by netseg's labels:
 * - egress: Allow DNS (the cluster DNS pods on UDP and TCP 53; always wanted, and nothing below
 *   should be able to cut it);
 * - both ways: Pass for each declared flow between this zone and another managed zone, on the
 *   flow's ports, naming the peer's workload pods where the flow names a workload;
 * - both ways: Deny every other namespace of the intent's zones (zone label present, not this zone).
 *
 * Pass, not Allow, for declared flows: an Allow would be final and would skip the NetworkPolicies
 * that narrow a flow to its workloads (the default deny, the per-workload policies), so every pod
 * of one zone could reach every pod of the other on the flow's ports. Pass hands exactly the
 * declared zone pairs and ports to netseg's NetworkPolicies, which still decide by workload; a
 * path the intent does not declare meets the Deny that follows, which no NetworkPolicy outranks.
 * A connection passes only when the source zone's ANP passes its egress (to the target workload)
 * and the target zone's ANP passes its ingress (from the source workload), so a zone pair, port
 * and, on each side, the named workload are all enforced at the cluster level. What stays with
 * the NetworkPolicies is which pod of the other side a rule names when one zone pair carries
 * several flows on one port (source A to X and B to Y: A to Y passes both ANPs).
 *
 * Per tenant one ANP (priority `tenants` plus the tenant's slot) denies both ways every namespace
 * carrying another tenant's label; keyed by the tenant label alone, it also covers namespaces a
 * tenant gets outside the intent's zones. The zone ANPs already deny across tenants (no flow is
 * declared across them); the tenant ANP is the rule a reviewer reads.
 *
 * The BANP (a cluster singleton, `default`) only decides traffic no NetworkPolicy decided, i.e.
 * when a namespace owner has removed netseg's default deny. Its subject is every zone namespace of
 * the intent, so its rules cannot depend on the subject's zone: it allows the declared flows by
 * source (ingress) and target (egress) zone and port, then denies the rest between the intent's
 * namespaces. Cross-zone traffic reaches it only when an ANP passed it (a declared zone pair and
 * port), so between zones it allows no more than the ANPs; inside one zone it may allow a port some
 * flow of that zone uses. It is one object per cluster: `baseline: false` leaves it to another owner.
 *
 * Outside the guardrails: paths to and from the internet and the intent's peers (v1alpha1
 * ingress peers are namespaces and pods only; the NetworkPolicies keep deciding those), and
 * namespaces the intent does not name. Every ANP gets a priority of its own (see
 * GuardrailLayout); some CNIs accept fewer (OVN-Kubernetes: priorities 0-99, so at most 100
 * ANPs), which a fleet of many tenants can outgrow.
 *
 * Namespaces are selected by netseg's intent, zone and tenant labels, which only whoever may
 * label namespaces (the platform team) can set; names are derived from the intent, zone and tenant
 * names alone, so adding a zone or a tenant adds objects and renames none.
 */
import type { Intent, Zone } from "../../intent";
import type { PortSpec } from "../../net/ports";
import { TAG, MANAGED_BY } from "../../tags";
import type { NeutralRule } from "../neutral";
import {
  ADMIN_NETWORK_POLICY_API_VERSION,
  ANP_MAX_PRIORITY,
  ANP_MAX_RULES,
  ANP_MAX_RULE_NAME,
  BASELINE_ADMIN_NETWORK_POLICY_NAME,
  type AdminEgressRule,
  type AdminIngressRule,
  type AdminAction,
  type AdminNetworkPolicy,
  type AdminPeer,
  type AdminPort,
  type BaselineAdminNetworkPolicy,
  type FullLabelSelector,
} from "./admin-manifests";
import type { ResolvedGuardrails, ResolvedK8sOptions } from "./options";
import type { IntentIssue } from "../../intent";
import { dns1123SubdomainProblem } from "./names";

/** Namespace label telling the policy packs that cluster guardrails were asked for (see GUARDRAILS_MARK). */
export const GUARDRAILS_LABEL = "netseg.dev/guardrails";
/** Its values: ANPs and the BANP from this stack, or ANPs only (the BANP owned elsewhere). */
export const GUARDRAILS_MARK = { withBaseline: "anp-banp", adminOnly: "anp" } as const;

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export interface GuardrailPlan {
  readonly adminNetworkPolicies: readonly AdminNetworkPolicy[];
  readonly baselineAdminNetworkPolicy?: BaselineAdminNetworkPolicy;
}

/** Which tenant each tenant zone belongs to (empty without tenants). */
export type TenantOf = ReadonlyMap<string, string>;

/**
 * Where each guardrail sits in its priority range: every ANP gets a priority of its own (the API
 * asks for unique priorities: two of one priority that could match one connection may be applied
 * in any order, or one ignored). Ranks come from address slots, which the intent pins, so adding a
 * zone or a tenant gives the new guardrail a new priority and moves no existing one.
 */
export interface GuardrailLayout {
  readonly tenantOf: TenantOf;
  /** Rank of each managed zone in the zones' range; default its slot. */
  readonly zoneRank?: ReadonlyMap<string, number>;
  /** Rank of each tenant in the tenants' range. */
  readonly tenantRank?: ReadonlyMap<string, number>;
}

export function zoneGuardrailName(intent: string, zone: string): string {
  return `netseg-${intent}-zone-${zone}`;
}

export function tenantGuardrailName(intent: string, tenant: string): string {
  return `netseg-${intent}-tenant-${tenant}`;
}

function zoneNamespaces(intent: string, zone: string): FullLabelSelector {
  return { matchLabels: { [TAG.k8s.intent]: intent, [TAG.k8s.zone]: zone } };
}

/** Every zone namespace of the intent except `zone` (NotIn alone would also match namespaces without the label). */
function otherZones(intent: string, zone: string): FullLabelSelector {
  return {
    matchLabels: { [TAG.k8s.intent]: intent },
    matchExpressions: [
      { key: TAG.k8s.zone, operator: "Exists" },
      { key: TAG.k8s.zone, operator: "NotIn", values: [zone] },
    ],
  };
}

function everyZone(intent: string): FullLabelSelector {
  return { matchLabels: { [TAG.k8s.intent]: intent }, matchExpressions: [{ key: TAG.k8s.zone, operator: "Exists" }] };
}

function workloadLabels(intent: Intent, zone: string, workload: string): Readonly<Record<string, string>> {
  const w = intent.zones.find((z) => z.name === zone)?.workloads.find((x) => x.name === workload);
  if (!w) throw new Error(`internal: workload ${zone}/${workload} missing from a validated intent`);
  return { ...w.labels };
}

const PROTOCOL = { tcp: "TCP", udp: "UDP", sctp: "SCTP" } as const;

/** Ports as an ANP writes them; undefined means every port of every protocol. */
export function adminPorts(specs: readonly PortSpec[]): AdminPort[] | undefined {
  if (specs.some((p) => p.protocol === "all")) return undefined;
  return specs.map((p) => {
    const protocol = PROTOCOL[p.protocol as keyof typeof PROTOCOL];
    // checks.ts refuses flows a policy cannot express; an empty port list here would mean every port.
    if (!protocol) throw new Error(`internal: ${p.protocol} reached the AdminNetworkPolicy planner (checks.ts refuses it)`);
    if (p.from === p.to) return { portNumber: { protocol, port: p.from } };
    return { portRange: { protocol, start: Math.max(p.from, 1), end: p.to } };
  });
}

function withPorts<T extends object>(rule: T, ports: AdminPort[] | undefined): T & { ports?: AdminPort[] } {
  return ports === undefined ? rule : { ...rule, ports };
}

function ruleName(text: string): string {
  return text.length <= ANP_MAX_RULE_NAME ? text : text.slice(0, ANP_MAX_RULE_NAME);
}

function metaLabels(intent: string, extra: Record<string, string>): Record<string, string> {
  const labels: Record<string, string> = { [TAG.k8s.managedBy]: MANAGED_BY, [TAG.k8s.intent]: intent, [TAG.k8s.role]: "guardrail", ...extra };
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A rule between two managed zones, resolved to the zone and workload at the far end and its ports. */
interface CrossRule {
  readonly rule: NeutralRule;
  readonly peerZone: string;
  readonly peerWorkload?: string;
  readonly ports: AdminPort[] | undefined;
}

/** The rules of `zone` whose far end is a managed zone namespace (the egress proxy counts when it runs in one). */
function zoneRules(zone: Zone, rules: readonly NeutralRule[], managed: ReadonlySet<string>, options: ResolvedK8sOptions): CrossRule[] {
  const out: CrossRule[] = [];
  for (const r of rules.filter((x) => x.zone === zone.name)) {
    if (r.peer.kind === "zone" && managed.has(r.peer.zone)) out.push({ rule: r, peerZone: r.peer.zone, peerWorkload: r.peer.workload, ports: adminPorts(r.ports) });
    if (r.peer.kind === "proxy" && !options.cilium && managed.has(options.egressProxy.namespace)) {
      out.push({ rule: r, peerZone: options.egressProxy.namespace, ports: [{ portNumber: { protocol: "TCP", port: options.egressProxy.port } }] });
    }
  }
  return out.sort((a, b) => (a.rule.key < b.rule.key ? -1 : a.rule.key > b.rule.key ? 1 : 0));
}

/** The proxy zone's side of the proxy rules: clients in other managed zones, seen as ingress. */
function proxyClientRules(zone: Zone, rules: readonly NeutralRule[], managed: ReadonlySet<string>, options: ResolvedK8sOptions): CrossRule[] {
  if (options.cilium || zone.name !== options.egressProxy.namespace) return [];
  return rules
    .filter((r) => r.peer.kind === "proxy" && r.zone !== zone.name && managed.has(r.zone))
    .map((r) => ({ rule: { ...r, direction: "ingress" as const }, peerZone: r.zone, peerWorkload: r.workload, ports: [{ portNumber: { protocol: "TCP" as const, port: options.egressProxy.port } }] }))
    .sort((a, b) => (a.rule.key < b.rule.key ? -1 : a.rule.key > b.rule.key ? 1 : 0));
}

/**
 * One Pass rule per set of ports and far-end pod labels, its peer naming every zone at the far end
 * (`In`), so that a shared zone that 200 tenant zones reach stays within the API's 100 rules. The
 * same traffic as one rule per flow: peers are ORed, and a namespace selector `In` a set is the
 * union of one selector per member.
 */
function passRules(intent: Intent, cross: readonly CrossRule[]): { name: string; peer: AdminPeer; ports: AdminPort[] | undefined }[] {
  const groups = new Map<string, { ports: AdminPort[] | undefined; pods?: Readonly<Record<string, string>>; zones: Set<string>; flows: Set<string> }>();
  for (const c of cross) {
    const pods = c.peerWorkload ? workloadLabels(intent, c.peerZone, c.peerWorkload) : undefined;
    const key = JSON.stringify([c.ports ?? "all", pods ? Object.entries(pods).sort() : null]);
    if (!groups.has(key)) groups.set(key, { ports: c.ports, pods, zones: new Set(), flows: new Set() });
    groups.get(key)!.zones.add(c.peerZone);
    groups.get(key)!.flows.add(c.rule.flowKey);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, v]) => {
      const zones = [...v.zones].sort();
      const namespaces: FullLabelSelector = zones.length === 1 ? zoneNamespaces(intent.name, zones[0]) : { matchLabels: { [TAG.k8s.intent]: intent.name }, matchExpressions: [{ key: TAG.k8s.zone, operator: "In", values: zones }] };
      const flows = [...v.flows].sort();
      const name = ruleName(flows.length === 1 ? `pass ${flows[0]}` : `pass ${flows.length} declared flows on ${portsText(v.ports)}`);
      return { name, peer: v.pods ? { pods: { namespaceSelector: namespaces, podSelector: { matchLabels: { ...v.pods } } } } : { namespaces }, ports: v.ports };
    });
}

function zoneGuardrail(intent: Intent, zone: Zone, rules: readonly NeutralRule[], managed: ReadonlySet<string>, options: ResolvedK8sOptions, g: ResolvedGuardrails, layout: GuardrailLayout): AdminNetworkPolicy {
  const cross = [...zoneRules(zone, rules, managed, options), ...proxyClientRules(zone, rules, managed, options)].filter((c) => c.peerZone !== zone.name);
  const ingress: AdminIngressRule<AdminAction>[] = [
    ...passRules(intent, cross.filter((c) => c.rule.direction === "ingress")).map((r) => withPorts({ name: r.name, action: "Pass" as const, from: [r.peer] }, r.ports)),
    { name: "deny other zones", action: "Deny", from: [{ namespaces: otherZones(intent.name, zone.name) }] },
  ];
  const egress: AdminEgressRule<AdminAction>[] = [
    {
      name: "allow dns",
      action: "Allow",
      to: [{ pods: { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: options.dns.namespace } }, podSelector: { matchLabels: { ...options.dns.podLabels } } } }],
      ports: [{ portNumber: { protocol: "UDP", port: 53 } }, { portNumber: { protocol: "TCP", port: 53 } }],
    },
    ...passRules(intent, cross.filter((c) => c.rule.direction === "egress")).map((r) => withPorts({ name: r.name, action: "Pass" as const, to: [r.peer] }, r.ports)),
    { name: "deny other zones", action: "Deny", to: [{ namespaces: otherZones(intent.name, zone.name) }] },
  ];
  const tenant = layout.tenantOf.get(zone.name);
  const rank = layout.zoneRank?.get(zone.name) ?? zone.slot;
  return {
    apiVersion: ADMIN_NETWORK_POLICY_API_VERSION,
    kind: "AdminNetworkPolicy",
    metadata: { name: zoneGuardrailName(intent.name, zone.name), labels: metaLabels(intent.name, { [TAG.k8s.zone]: zone.name, ...(tenant ? { [TAG.k8s.tenant]: tenant } : {}) }) },
    spec: { priority: g.priorities.zones + rank, subject: { namespaces: zoneNamespaces(intent.name, zone.name) }, ingress, egress },
  };
}

function tenantGuardrail(intent: string, tenant: string, rank: number, g: ResolvedGuardrails): AdminNetworkPolicy {
  const others: FullLabelSelector = {
    matchLabels: { [TAG.k8s.intent]: intent },
    matchExpressions: [
      { key: TAG.k8s.tenant, operator: "Exists" },
      { key: TAG.k8s.tenant, operator: "NotIn", values: [tenant] },
    ],
  };
  return {
    apiVersion: ADMIN_NETWORK_POLICY_API_VERSION,
    kind: "AdminNetworkPolicy",
    metadata: { name: tenantGuardrailName(intent, tenant), labels: metaLabels(intent, { [TAG.k8s.tenant]: tenant }) },
    spec: {
      priority: g.priorities.tenants + rank,
      subject: { namespaces: { matchLabels: { [TAG.k8s.intent]: intent, [TAG.k8s.tenant]: tenant } } },
      ingress: [{ name: "deny other tenants", action: "Deny", from: [{ namespaces: others }] }],
      egress: [{ name: "deny other tenants", action: "Deny", to: [{ namespaces: others }] }],
    },
  };
}

/** Groups declared flows between managed zones by their ports: one BANP rule per port set, naming every zone at the far end. */
function baselineGroups(cross: readonly CrossRule[]): { ports: AdminPort[] | undefined; zones: string[] }[] {
  const groups = new Map<string, { ports: AdminPort[] | undefined; zones: Set<string> }>();
  for (const c of cross) {
    const key = JSON.stringify(c.ports ?? "all");
    if (!groups.has(key)) groups.set(key, { ports: c.ports, zones: new Set() });
    groups.get(key)!.zones.add(c.peerZone);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => ({ ports: v.ports, zones: [...v.zones].sort() }));
}

function portsText(ports: AdminPort[] | undefined): string {
  if (!ports) return "all";
  return ports.map((p) => ("portNumber" in p ? `${p.portNumber.protocol.toLowerCase()}/${p.portNumber.port}` : `${p.portRange.protocol.toLowerCase()}/${p.portRange.start}-${p.portRange.end}`)).join(",");
}

function baselineGuardrail(intent: Intent, zones: readonly Zone[], rules: readonly NeutralRule[], managed: ReadonlySet<string>, options: ResolvedK8sOptions): BaselineAdminNetworkPolicy {
  const all = zones.flatMap((z) => [...zoneRules(z, rules, managed, options), ...proxyClientRules(z, rules, managed, options)]);
  const among = (zs: string[]): FullLabelSelector => ({ matchLabels: { [TAG.k8s.intent]: intent.name }, matchExpressions: [{ key: TAG.k8s.zone, operator: "In", values: zs }] });
  const ingress: AdminIngressRule<"Allow" | "Deny">[] = [
    ...baselineGroups(all.filter((c) => c.rule.direction === "ingress")).map((g) => withPorts({ name: ruleName(`allow declared flows on ${portsText(g.ports)}`), action: "Allow" as const, from: [{ namespaces: among(g.zones) }] }, g.ports)),
    { name: "deny the intent's other namespaces", action: "Deny", from: [{ namespaces: everyZone(intent.name) }] },
  ];
  const egress: AdminEgressRule<"Allow" | "Deny">[] = [
    ...baselineGroups(all.filter((c) => c.rule.direction === "egress")).map((g) => withPorts({ name: ruleName(`allow declared flows on ${portsText(g.ports)}`), action: "Allow" as const, to: [{ namespaces: among(g.zones) }] }, g.ports)),
    { name: "deny the intent's other namespaces", action: "Deny", to: [{ namespaces: everyZone(intent.name) }] },
  ];
  return {
    apiVersion: ADMIN_NETWORK_POLICY_API_VERSION,
    kind: "BaselineAdminNetworkPolicy",
    metadata: { name: BASELINE_ADMIN_NETWORK_POLICY_NAME, labels: metaLabels(intent.name, {}) },
    spec: { subject: { namespaces: everyZone(intent.name) }, ingress, egress },
  };
}

/** Problems that keep the guardrails from being planned: names the API server refuses, rule lists past the API's limit. */
export function guardrailIssues(plan: GuardrailPlan): IntentIssue[] {
  const issues: IntentIssue[] = [];
  const byPriority = new Map<number, string>();
  for (const p of plan.adminNetworkPolicies) {
    const prior = byPriority.get(p.spec.priority);
    if (p.spec.priority > ANP_MAX_PRIORITY) {
      issues.push({ path: "options.clusterGuardrails.priorities", value: String(p.spec.priority), message: `AdminNetworkPolicy ${p.metadata.name} would get priority ${p.spec.priority}, past the API's ${ANP_MAX_PRIORITY}`, fix: "start the range lower (priorities.zones or priorities.tenants)" });
    } else if (prior !== undefined) {
      issues.push({ path: "options.clusterGuardrails.priorities", value: String(p.spec.priority), message: `AdminNetworkPolicies ${prior} and ${p.metadata.name} would share priority ${p.spec.priority}, and the API leaves the order of one priority undefined`, fix: "move priorities.zones and priorities.tenants apart: each guardrail takes its start plus its slot" });
    } else byPriority.set(p.spec.priority, p.metadata.name);
  }
  for (const p of [...plan.adminNetworkPolicies, ...(plan.baselineAdminNetworkPolicy ? [plan.baselineAdminNetworkPolicy] : [])]) {
    const np = dns1123SubdomainProblem(p.metadata.name);
    if (np) issues.push({ path: "name", value: p.metadata.name, message: `the ${p.kind} name "${p.metadata.name}" derived from the intent name ${np}`, fix: "use a lower-case intent name (letters, digits, '-')" });
    for (const d of ["ingress", "egress"] as const) {
      const n = p.spec[d].length;
      if (n > ANP_MAX_RULES) issues.push({ path: "flows", value: p.metadata.name, message: `${p.kind} ${p.metadata.name} would need ${n} ${d} rules, and the API accepts at most ${ANP_MAX_RULES}`, fix: "merge flows between the same zones, or split the intent" });
    }
  }
  return issues;
}

/** The guardrails of the managed zones. `rules` are the neutral rules of the managed zones. */
export function planGuardrails(intent: Intent, rules: readonly NeutralRule[], options: ResolvedK8sOptions, g: ResolvedGuardrails, layout: GuardrailLayout): GuardrailPlan {
  const tenantOf = layout.tenantOf;
  const zones = intent.zones.filter((z) => z.managed);
  const managed = new Set(zones.map((z) => z.name));
  const tenants = [...new Set(zones.map((z) => tenantOf.get(z.name)).filter((t): t is string => t !== undefined))].sort();
  const adminNetworkPolicies = [...tenants.map((t, i) => tenantGuardrail(intent.name, t, layout.tenantRank?.get(t) ?? i, g)), ...zones.map((z) => zoneGuardrail(intent, z, rules, managed, options, g, layout))].sort((a, b) =>
    a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0,
  );
  return g.baseline ? { adminNetworkPolicies, baselineAdminNetworkPolicy: baselineGuardrail(intent, zones, rules, managed, options) } : { adminNetworkPolicies };
}
