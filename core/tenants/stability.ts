/**
 * Guards the promise that a tenant's block never moves. Slots are stable as long as tenants are
 * only appended or carry a pinned `slot`; removing an unpinned tenant from the middle of the
 * list would shift the later unpinned ones down (lowest free slot, declared order), and a moved
 * block replaces the tenant's VPC. Given the blocks a stack deployed last time (its output),
 * this names each tenant that would move and the pin that keeps it in place.
 */
import { cidr } from "../net/cidr";
import type { TenantsIntent } from "../intent/types";
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
