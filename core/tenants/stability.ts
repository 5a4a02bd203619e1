/**
 * Guards the promise that a tenant's block never moves. Slots are stable as long as tenants are
 * only appended or carry a pinned `slot`; removing an unpinned tenant from the middle of the
 * list would shift the later unpinned ones down (lowest free slot, declared order), and a moved
 * block replaces the tenant's VPC. Given the blocks a stack deployed last time (its output),
 * this names each tenant that would move and the pin that keeps it in place.
 */
import { cidr } from "../net/cidr";
import type { Addressing, TenantsIntent } from "../intent/types";
import type { IntentIssue } from "../intent/errors";
import { planTenantAddresses } from "../addressing/tenants";

export function tenantBlockDrift(tenants: TenantsIntent, previousBlocks: Readonly<Record<string, string>>): IntentIssue[] {
  const pool = cidr(tenants.pool);
  const size = 1n << BigInt(32 - tenants.blockPrefix);
  const now = new Map(planTenantAddresses(tenants).map((t) => [t.tenant, t.block]));
  const issues: IntentIssue[] = [];
  tenants.members.forEach((m, i) => {
    const before = previousBlocks[m.name];
    const after = now.get(m.name);
    if (before === undefined || after === undefined || cidr(before).text === after) return;
    const b = cidr(before);
    const inPool = b.prefix === tenants.blockPrefix && b.start >= pool.start && b.end <= pool.end;
    const slot = inPool ? Number((b.start - pool.start) / size) : undefined;
    issues.push({
      path: `tenants.members[${i}]`,
      value: m.name,
      message: `tenant "${m.name}" would move from ${before} to ${after}, which replaces its VPC`,
      fix: slot !== undefined ? `pin it where it is: slot: ${slot}` : `its previous block ${before} is not a /${tenants.blockPrefix} of the pool ${pool.text}; restore the previous pool and blockPrefix`,
    });
  });
  return issues;
}

/** The grids a fleet's subnets are cut by: every tenant block's, and the shared-services VPC's. */
export interface FleetGrids {
  readonly tenants: Addressing;
  readonly sharedServices: Addressing;
}

export function fleetGrids(tenants: TenantsIntent): FleetGrids {
  const grid = (a: Addressing) => ({ zoneSlots: a.zoneSlots, azSlots: a.azSlots });
  return { tenants: grid(tenants.addressing), sharedServices: grid(tenants.sharedServices.addressing) };
}

/**
 * Guards the promise that a subnet never moves inside its VPC. A grid written in the intent never
 * changes by itself; a derived one (tenants.addressing left out) changes when a zone or AZ count
 * crosses a power of two, and so does a written one that someone edits. Given the grids a stack
 * deployed last time (TenantVpcs' `grids` output), this names each grid that would change, which
 * re-cuts every subnet it lays out, and the `addressing:` that keeps it.
 */
export function tenantGridDrift(tenants: TenantsIntent, previous: FleetGrids): IntentIssue[] {
  const now = fleetGrids(tenants);
  const text = (g: Addressing) => `{ zoneSlots: ${g.zoneSlots}, azSlots: ${g.azSlots} }`;
  const issues: IntentIssue[] = [];
  const check = (path: string, owner: string, what: string, before: Addressing, after: Addressing) => {
    if (before.zoneSlots === after.zoneSlots && before.azSlots === after.azSlots) return;
    issues.push({
      path,
      value: text(after),
      message: `${what} would be cut into ${after.zoneSlots} zone slots x ${after.azSlots} AZ slots instead of ${before.zoneSlots} x ${before.azSlots}, which moves and replaces every subnet in it`,
      fix: `keep the deployed grid: write addressing: ${text(before)} under ${owner} (zones and AZs fit only into its free slots), or plan the re-cut as a migration`,
    });
  };
  check("tenants.addressing", "tenants", "every tenant's block", previous.tenants, now.tenants);
  check("tenants.sharedServices.addressing", "tenants.sharedServices", "the shared-services VPC", previous.sharedServices, now.sharedServices);
  return issues;
}
