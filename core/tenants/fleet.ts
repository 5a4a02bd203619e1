/**
 * A tenant fleet split across stacks: one stack per shard of tenants plus one transit stack
 * (the transit gateway and the shared-services VPC), joined by stack references.
 *
 * A tenant's shard is `floor(slot / shardSize)`. The slot is the tenant's place in the pool (its
 * block follows from it), so the shard follows from the same stable fact: adding, removing or
 * re-ordering tenants never moves another tenant to a different shard, i.e. never deletes its
 * VPC from one stack and creates it in another. For that promise to hold, every slot must be
 * pinned: an unpinned slot is "the lowest free one in declared order" and moves when a tenant
 * before it is removed, so the planner refuses unpinned tenants and names the pin to write.
 *
 * Routing across stacks: the transit stack owns the TGW, the shared-services attachment and its
 * route table, and knows only the pool (one blackhole covers every tenant, present or future). A
 * shard owns, per tenant, the VPC, its attachment, the tenant's own TGW route table and the
 * shared table's return route to the tenant, so adding a tenant changes its shard only.
 */
import type { TenantsIntent } from "../intent/types";
import { IntentError, type IntentIssue } from "../intent/errors";
import { planTenantRouting, SHARED_SERVICES, type TenantRoutingPlan, type TgwRouteTablePlan } from "./routing";

/** The largest shard a plan accepts: TGW route tables per tenant, and the SDK's per-process memory (bench/RESULTS-tenants.md). */
export const MAX_SHARD_SIZE = 1000;

export interface FleetShardPlan {
  /** floor(slot / shardSize). */
  readonly index: number;
  /** Stable key and the suggested stack name: `shard-<index>`. */
  readonly key: string;
  /** The slots this shard covers, [first, last]. */
  readonly slots: readonly [number, number];
  /** Tenant names, sorted. */
  readonly tenants: readonly string[];
  /** The tenant TGW route tables this shard creates (one per tenant, same shape as TenantVpcs'). */
  readonly routeTables: readonly TgwRouteTablePlan[];
  /** The return routes this shard adds to the shared-services TGW table, one per tenant. */
  readonly sharedRoutes: TgwRouteTablePlan["routes"];
}

export interface TenantFleetPlan {
  readonly shardSize: number;
  /** Non-empty shards, by index. */
  readonly shards: readonly FleetShardPlan[];
  /** Shard key by tenant name. */
  readonly shardOf: Readonly<Record<string, string>>;
  /** The routing of the whole fleet, as TenantVpcs plans it; the shards split it without changing it. */
  readonly routing: TenantRoutingPlan;
}

export const shardIndexOfSlot = (slot: number, shardSize: number): number => Math.floor(slot / shardSize);
export const shardKey = (index: number): string => `shard-${index}`;

/** Problems with a fleet's shard size or slots, each with its fix; empty when the plan can be made. */
export function fleetIssues(tenants: TenantsIntent, shardSize: number): IntentIssue[] {
  const issues: IntentIssue[] = [];
  if (!Number.isInteger(shardSize) || shardSize < 1 || shardSize > MAX_SHARD_SIZE) {
    issues.push({ path: "shardSize", value: shardSize, message: `shard size ${String(shardSize)} is not a whole number from 1 to ${MAX_SHARD_SIZE}`, fix: "use the number of tenants per stack, e.g. 100" });
  }
  tenants.members.forEach((m, i) => {
    if (m.slotPinned) return;
    issues.push({
      path: `tenants.members[${i}].slot`,
      value: m.name,
      message: `tenant "${m.name}" has no pinned slot; in a fleet its slot chooses its shard, and an unpinned slot moves when a tenant before it is removed`,
      fix: `pin it: slot: ${m.slot}`,
    });
  });
  return issues;
}

export function planTenantFleet(tenants: TenantsIntent, shardSize: number): TenantFleetPlan {
  const issues = fleetIssues(tenants, shardSize);
  if (issues.length) throw new IntentError(issues, "the tenant fleet");
  const routing = planTenantRouting(tenants);
  const tables = new Map(routing.routeTables.map((t) => [t.key, t]));
  const shared = tables.get(SHARED_SERVICES)!;
  const byShard = new Map<number, string[]>();
  const shardOf: Record<string, string> = {};
  for (const m of tenants.members) {
    const index = shardIndexOfSlot(m.slot, shardSize);
    (byShard.get(index) ?? byShard.set(index, []).get(index)!).push(m.name);
    shardOf[m.name] = shardKey(index);
  }
  const shards = [...byShard.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, names]): FleetShardPlan => {
      const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const mine = new Set(sorted);
      return {
        index,
        key: shardKey(index),
        slots: [index * shardSize, (index + 1) * shardSize - 1],
        tenants: sorted,
        routeTables: sorted.map((n) => tables.get(n)!),
        sharedRoutes: shared.routes.filter((r) => r.target.kind === "attachment" && mine.has(r.target.attachment)),
      };
    });
  return { shardSize, shards, shardOf: Object.fromEntries(Object.entries(shardOf).sort(([a], [b]) => (a < b ? -1 : 1))), routing };
}

/** The tenants section restricted to one shard's members (every other field as is), for the shard's own planners. */
export function shardTenants(tenants: TenantsIntent, shardSize: number, index: number): TenantsIntent {
  return { ...tenants, members: tenants.members.filter((m) => shardIndexOfSlot(m.slot, shardSize) === index) };
}
