/**
 * A tenant's VPC as an ordinary intent: the template's zones and flows, the tenant's block as
 * the address space, and shared services as a peer that every zone may reach on the shared
 * ports. Expressing a tenant this way lets every planner that takes an intent (addresses,
 * security-group rules, the AWS SegmentedVpc, reachability) serve tenants unchanged.
 */
import type { Flow, Intent, Peer, TenantsIntent, Tenant } from "../intent/types";
import { planTenantAddresses } from "../addressing/tenants";
import { SHARED_SERVICES } from "./routing";

/** The stable name of a tenant's resources: `${fleet}-${tenant}`. */
export function tenantResourceName(fleet: string, tenant: string): string {
  return `${fleet}-${tenant}`;
}

export function sharedServicesPeer(tenants: TenantsIntent): Peer {
  return { name: SHARED_SERVICES, cidrs: [tenants.sharedServices.addressSpace], description: "netseg shared-services VPC" };
}

/** The intent of one tenant's VPC. `intent.tenants` must be set. */
export function tenantIntent(intent: Pick<Intent, "name" | "peers" | "tenants">, member: Tenant): Intent {
  const t = intent.tenants;
  if (!t) throw new Error(`intent "${intent.name}" has no tenants section`);
  const block = planTenantAddresses({ ...t, members: [member] })[0].block;
  const shared = sharedServicesPeer(t);
  const toShared: Flow[] = t.zones
    .filter((z) => !t.flows.some((f) => f.key === `${z.name}->${SHARED_SERVICES}`))
    .map((z) => ({
      key: `${z.name}->${SHARED_SERVICES}`,
      from: { kind: "zone", zone: z.name },
      to: { kind: "peer", peer: SHARED_SERVICES, cidrs: shared.cidrs },
      ports: t.sharedServices.ports,
      description: `netseg tenant ${member.name}: ${z.name} to shared services`,
    }));
  return {
    name: tenantResourceName(intent.name, member.name),
    addressSpace: block,
    availabilityZones: t.availabilityZones,
    addressing: { zoneSlots: t.addressing.zoneSlots, azSlots: t.addressing.azSlots },
    zones: t.zones,
    peers: [...intent.peers.filter((p) => p.name !== SHARED_SERVICES), shared],
    flows: [...t.flows, ...toShared],
    egress: [],
  };
}
