/**
 * The shared-services VPC as an ordinary intent: one `services` zone that the whole tenant pool
 * may reach on the shared ports. The pool, not each tenant, is the peer, so adding a tenant
 * changes nothing here; the TGW's route tables are what keep tenants apart.
 */
import type { Intent } from "../intent/types";
import { nextPowerOfTwo, planLayout } from "../addressing/plan";
import { SHARED_SERVICES } from "./routing";
import { tenantResourceName } from "./tenant-intent";

export const SHARED_SERVICES_ZONE = "services";
export const TENANT_POOL_PEER = "tenants";

export function sharedServicesIntent(intent: Pick<Intent, "name" | "tenants">): Intent {
  const t = intent.tenants;
  if (!t) throw new Error(`intent "${intent.name}" has no tenants section`);
  const azSlots = nextPowerOfTwo(t.availabilityZones);
  const shared: Intent = {
    name: tenantResourceName(intent.name, SHARED_SERVICES),
    addressSpace: t.sharedServices.addressSpace,
    availabilityZones: t.availabilityZones,
    addressing: { zoneSlots: 2, azSlots },
    zones: [{ name: SHARED_SERVICES_ZONE, internet: "none", egress: "none", sensitive: false, slot: 0, managed: true, workloads: [] }],
    peers: [{ name: TENANT_POOL_PEER, cidrs: [t.pool], description: "every tenant's block" }],
    flows: [
      {
        key: `${TENANT_POOL_PEER}->${SHARED_SERVICES_ZONE}`,
        from: { kind: "peer", peer: TENANT_POOL_PEER, cidrs: [t.pool] },
        to: { kind: "zone", zone: SHARED_SERVICES_ZONE },
        ports: t.sharedServices.ports,
        description: "netseg: tenants to shared services",
      },
    ],
    egress: [],
  };
  const plan = planLayout({ ...shared.addressing, addressSpace: shared.addressSpace, availabilityZones: shared.availabilityZones, zones: shared.zones });
  if (plan.infrastructure.length === 0) {
    throw new Error(`tenants.sharedServices.addressSpace ${shared.addressSpace} is too small: its transit subnets for ${t.availabilityZones} AZs would be smaller than /28; use a /${Math.min(24, 28 - 2 - 1 - Math.log2(azSlots))} or larger`);
  }
  return shared;
}
