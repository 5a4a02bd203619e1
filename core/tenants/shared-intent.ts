/**
 * The shared-services VPC as an ordinary intent: its zones (one `services` zone unless the intent
 * lists more), each reachable by the whole tenant pool on the shared ports. The pool, not each
 * tenant, is the peer, so adding a tenant changes nothing here; the TGW's route tables are what
 * keep tenants apart. The VPC is cut into the fixed grid `tenants.sharedServices.addressing`, so
 * adding a zone or an AZ takes a free slot and moves no subnet.
 */
import type { Intent } from "../intent/types";
import { planLayout } from "../addressing/plan";
import { SHARED_SERVICES } from "./routing";
import { tenantResourceName } from "./tenant-intent";

export const SHARED_SERVICES_ZONE = "services";
export const TENANT_POOL_PEER = "tenants";

export function sharedServicesIntent(intent: Pick<Intent, "name" | "tenants">): Intent {
  const t = intent.tenants;
  if (!t) throw new Error(`intent "${intent.name}" has no tenants section`);
  const s = t.sharedServices;
  const shared: Intent = {
    name: tenantResourceName(intent.name, SHARED_SERVICES),
    addressSpace: s.addressSpace,
    availabilityZones: t.availabilityZones,
    addressing: { zoneSlots: s.addressing.zoneSlots, azSlots: s.addressing.azSlots },
    zones: s.zones,
    peers: [{ name: TENANT_POOL_PEER, cidrs: [t.pool], description: "every tenant's block" }],
    flows: s.zones.map((z) => ({
      key: `${TENANT_POOL_PEER}->${z.name}`,
      from: { kind: "peer", peer: TENANT_POOL_PEER, cidrs: [t.pool] },
      to: { kind: "zone", zone: z.name },
      ports: s.ports,
      description: "netseg: tenants to shared services",
    })),
    egress: [],
  };
  const plan = planLayout({ ...shared.addressing, addressSpace: shared.addressSpace, availabilityZones: shared.availabilityZones, zones: shared.zones });
  if (plan.infrastructure.length === 0) {
    throw new Error(`internal: the shared-services VPC ${shared.addressSpace} has no room for transit subnets; the intent validation should have caught this`);
  }
  return shared;
}
