/**
 * Tenants on one cluster: the intent's `tenants` section as plain zones, so the Kubernetes planner
 * serves them unchanged. Each tenant gets the template's zones as namespaces `<tenant>-<zone>`
 * (workloads and flows copied, flows kept inside the tenant), each shared-services zone becomes
 * the namespace `shared-<zone>`, and every tenant zone reaches every shared zone on the shared
 * ports (or on the ports of the template's own flow to `shared-services`). No flow is declared
 * across tenants. Names come from the tenant and zone names only, so adding a tenant adds
 * namespaces and renames none; a name clash is an error naming both owners.
 */
import { IntentError, type Endpoint, type Flow, type Intent, type IntentIssue, type Zone, endpointKey } from "../../intent";
import { SHARED_SERVICES } from "../../tenants/routing";
import type { K8sOptions } from "./options";
import { planK8s, type K8sPlan } from "./plan";

export const SHARED_NAMESPACE_PREFIX = "shared";

export function tenantNamespace(tenant: string, zone: string): string {
  return `${tenant}-${zone}`;
}

export function sharedNamespace(zone: string): string {
  return `${SHARED_NAMESPACE_PREFIX}-${zone}`;
}

export interface K8sTenantLayout {
  /** The intent with tenant and shared zones as ordinary zones, and no `tenants` section. */
  readonly intent: Intent;
  /** Tenant of each tenant zone (namespace). */
  readonly tenantOf: ReadonlyMap<string, string>;
  /**
   * Each zone's rank in the guardrails' priority range, from the pinned slot grids: the intent's
   * zones first, then the shared zones, then each tenant's block of `tenants.addressing.zoneSlots`.
   */
  readonly zoneRank: ReadonlyMap<string, number>;
  /** Each tenant's rank: its slot. */
  readonly tenantRank: ReadonlyMap<string, number>;
}

function renameEndpoint(e: Endpoint, rename: (zone: string) => string): Endpoint {
  return e.kind === "zone" ? { ...e, zone: rename(e.zone) } : e;
}

function flowOf(from: Endpoint, to: Endpoint, ports: Flow["ports"], description: string, http?: Flow["http"]): Flow {
  return { key: `${endpointKey(from)}->${endpointKey(to)}`, from, to, ports, description, ...(http ? { http } : {}) };
}

function isSharedPeer(e: Endpoint): boolean {
  return e.kind === "peer" && e.peer === SHARED_SERVICES;
}

/** The cluster layout of an intent with tenants. Throws one IntentError for names that clash or are too long. */
export function k8sTenantLayout(intent: Intent): K8sTenantLayout {
  const t = intent.tenants;
  if (!t) throw new Error(`intent "${intent.name}" has no tenants section`);
  const zones: Zone[] = [...intent.zones];
  const flows: Flow[] = [...intent.flows];
  const tenantOf = new Map<string, string>();
  const zoneRank = new Map<string, number>(intent.zones.map((z) => [z.name, z.slot]));
  const tenantRank = new Map<string, number>();
  const sharedBase = intent.addressing.zoneSlots;
  const tenantBase = sharedBase + t.sharedServices.addressing.zoneSlots;
  const owners = new Map<string, string>(intent.zones.map((z, i) => [z.name, `zone "${z.name}" (zones[${i}])`]));
  const issues: IntentIssue[] = [];
  const claim = (name: string, owner: string, path: string) => {
    const prior = owners.get(name);
    if (prior !== undefined) issues.push({ path, value: name, message: `the namespace "${name}" of ${owner} is also the namespace of ${prior}`, fix: "rename the tenant or the zone so that `<tenant>-<zone>` and `shared-<zone>` names stay distinct from each other and from the intent's zones" });
    else owners.set(name, owner);
  };

  t.sharedServices.zones.forEach((z, i) => {
    const name = sharedNamespace(z.name);
    claim(name, `shared-services zone "${z.name}"`, `tenants.sharedServices.zones[${i}].name`);
    zones.push({ ...z, name, managed: true });
    zoneRank.set(name, sharedBase + z.slot);
  });
  const shared = t.sharedServices.zones.map((z) => sharedNamespace(z.name));

  t.members.forEach((member, m) => {
    const rename = (zone: string) => tenantNamespace(member.name, zone);
    tenantRank.set(member.name, member.slot);
    for (const z of t.zones) {
      const name = rename(z.name);
      claim(name, `tenant "${member.name}", zone "${z.name}"`, `tenants.members[${m}].name`);
      zones.push({ ...z, name, managed: true });
      tenantOf.set(name, member.name);
      zoneRank.set(name, tenantBase + member.slot * t.addressing.zoneSlots + z.slot);
    }
    for (const f of t.flows) {
      const from = renameEndpoint(f.from, rename);
      if (isSharedPeer(f.to)) {
        for (const s of shared) flows.push(flowOf(from, { kind: "zone", zone: s }, f.ports, f.description, f.http));
      } else {
        flows.push(flowOf(from, renameEndpoint(f.to, rename), f.ports, f.description, f.http));
      }
    }
    for (const z of t.zones) {
      if (t.flows.some((f) => f.from.kind === "zone" && f.from.zone === z.name && f.from.workload === undefined && isSharedPeer(f.to))) continue;
      for (const s of shared) {
        flows.push(flowOf({ kind: "zone", zone: rename(z.name) }, { kind: "zone", zone: s }, t.sharedServices.ports, `netseg tenant ${member.name}: ${z.name} to shared services`));
      }
    }
  });
  if (issues.length) throw new IntentError(issues, "the Kubernetes tenant namespaces");
  const { tenants: _tenants, ...rest } = intent;
  return { intent: { ...rest, zones, flows }, tenantOf, zoneRank, tenantRank };
}

/**
 * The Kubernetes plan of an intent's tenants: every namespace of `k8sTenantLayout`, labelled with
 * its tenant, and (unless `clusterGuardrails: false`) the guardrails, on by default here because
 * keeping tenants apart is the point of the layout.
 */
export function planK8sTenants(intent: Intent, options?: K8sOptions): K8sPlan {
  const layout = k8sTenantLayout(intent);
  return planK8s(layout.intent, { ...options, clusterGuardrails: options?.clusterGuardrails ?? true }, layout);
}
