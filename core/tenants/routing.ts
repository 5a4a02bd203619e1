/**
 * The transit-gateway routing of a tenant fleet, as plain data.
 *
 * One TGW route table per tenant plus one for shared services; the TGW's default association
 * and propagation are off, so an attachment reaches only what its own table lists.
 * - A tenant's table: a static route to the shared-services block through the shared
 *   attachment, and one blackhole route for the whole tenant pool.
 * - The shared table: a static route to each tenant's block through that tenant's attachment
 *   (return traffic, and calls from shared services to a tenant).
 *
 * Why one blackhole for the pool rather than one per other tenant: a tenant's own block never
 * reaches the TGW (the VPC's local route wins inside the VPC), so blackholing the whole pool
 * denies exactly "every other tenant". It is one route per table instead of n-1 (200 tenants
 * would need 39,800 blackholes, past the TGW's 10,000 routes), no table changes when a tenant
 * is added or removed, and a tenant added later is unreachable from the first moment, even
 * before any table mentions it. Static routes rather than propagation keep the whole routing
 * in this plan, where the reachability engine and the tests can read it.
 */
import { cidr, cidrsOverlap } from "../net/cidr";
import type { TenantsIntent } from "../intent/types";
import { planTenantAddresses, type TenantAddressPlan } from "../addressing/tenants";

export const SHARED_SERVICES = "shared-services";

export type TgwRouteTarget = { readonly kind: "attachment"; readonly attachment: string } | { readonly kind: "blackhole" };

export interface TgwRoute {
  readonly destination: string;
  readonly target: TgwRouteTarget;
  /** Why the route exists, for descriptions and reports. */
  readonly reason: string;
}

export interface TgwRouteTablePlan {
  /** Stable key: the tenant name, or `shared-services`. */
  readonly key: string;
  /** The attachment associated with this table (same key as the table). */
  readonly associatedAttachment: string;
  readonly routes: readonly TgwRoute[];
}

export interface TenantRoutingPlan {
  readonly pool: string;
  readonly sharedServicesBlock: string;
  /** Sorted by slot. */
  readonly tenants: readonly TenantAddressPlan[];
  /** Shared services first, then tenants by name. */
  readonly routeTables: readonly TgwRouteTablePlan[];
  /** Routes the VPCs' own route tables need towards the TGW, per attachment key. */
  readonly vpcRoutes: Readonly<Record<string, readonly string[]>>;
}

export function planTenantRouting(tenants: TenantsIntent): TenantRoutingPlan {
  if (tenants.members.some((m) => m.name === SHARED_SERVICES)) {
    throw new Error(`tenants.members: "${SHARED_SERVICES}" is reserved for the shared-services VPC; rename the tenant`);
  }
  const pool = cidr(tenants.pool).text;
  const shared = cidr(tenants.sharedServices.addressSpace).text;
  if (cidrsOverlap(cidr(pool), cidr(shared))) throw new Error(`internal: shared services ${shared} overlap the pool ${pool}; the intent validation should have caught this`);
  const planned = planTenantAddresses(tenants);
  const byName = [...planned].sort((a, b) => (a.tenant < b.tenant ? -1 : 1));
  const sharedTable: TgwRouteTablePlan = {
    key: SHARED_SERVICES,
    associatedAttachment: SHARED_SERVICES,
    routes: byName.map((t) => ({ destination: t.block, target: { kind: "attachment", attachment: t.tenant }, reason: `tenant ${t.tenant}` })),
  };
  const tenantTables = byName.map(
    (t): TgwRouteTablePlan => ({
      key: t.tenant,
      associatedAttachment: t.tenant,
      routes: [
        { destination: shared, target: { kind: "attachment", attachment: SHARED_SERVICES }, reason: "shared services" },
        { destination: pool, target: { kind: "blackhole" }, reason: "every other tenant (the pool; the tenant's own block stays inside its VPC)" },
      ],
    }),
  );
  const vpcRoutes: Record<string, readonly string[]> = { [SHARED_SERVICES]: [pool] };
  for (const t of byName) vpcRoutes[t.tenant] = [shared];
  return { pool, sharedServicesBlock: shared, tenants: planned, routeTables: [sharedTable, ...tenantTables], vpcRoutes };
}

/**
 * Longest-prefix lookup in a planned table: the attachment a packet to `address` leaves by,
 * `blackhole`, or undefined when no route matches (the TGW drops it). For tests and reports.
 */
export function lookupTgwRoute(table: TgwRouteTablePlan, address: string): TgwRouteTarget | undefined {
  const a = cidr(address);
  let best: { prefix: number; target: TgwRouteTarget } | undefined;
  for (const r of table.routes) {
    const d = cidr(r.destination);
    if (d.family === a.family && d.start <= a.start && a.end <= d.end && (!best || d.prefix > best.prefix)) best = { prefix: d.prefix, target: r.target };
  }
  return best?.target;
}
