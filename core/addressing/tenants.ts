/**
 * Tenant blocks from a pool. A tenant's block is the pool's block at its slot (pinned, or the
 * lowest free slot in declared order), so adding or removing a tenant never moves another one,
 * and two tenants can never overlap: distinct slots are disjoint blocks by construction. Inside
 * its block, every tenant is cut into the same fixed grid (`tenants.addressing`: zone slots x AZ
 * slots), so adding a template zone or an AZ takes a free slot and moves no subnet.
 */
import { cidr, subnetAt } from "../net/cidr";
import type { TenantsIntent } from "../intent/types";
import { planLayout, type AddressPlan } from "./plan";

export interface TenantAddressPlan {
  readonly tenant: string;
  readonly slot: number;
  readonly block: string;
  readonly plan: AddressPlan;
}

export function planTenantAddresses(tenants: TenantsIntent): TenantAddressPlan[] {
  const pool = cidr(tenants.pool);
  return [...tenants.members]
    .sort((a, b) => a.slot - b.slot)
    .map((m) => {
      const block = subnetAt(pool, tenants.blockPrefix, m.slot);
      if (!block) throw new Error(`internal: tenant "${m.name}" slot ${m.slot} is outside ${pool.text}`);
      return {
        tenant: m.name,
        slot: m.slot,
        block: block.text,
        plan: planLayout({ addressSpace: block.text, zoneSlots: tenants.addressing.zoneSlots, azSlots: tenants.addressing.azSlots, availabilityZones: tenants.availabilityZones, zones: tenants.zones }),
      };
    });
}
