/**
 * Tenant isolation across a whole fleet, at any size: a sound pre-check clears the tenant pairs
 * no route can join, and only the others go to the reachability engine, restricted to the two
 * tenants' resources and the shared ones.
 *
 * The pre-check reads the fleet as the engine reads it (readAws: subnets, their route tables,
 * the transit gateways' attachments, associations, propagations and routes). Tenant A cannot send
 * to tenant B, for certain, when
 * - both tenants are understood: every subnet of their VPCs routes only to local, an internet or
 *   NAT gateway, a blackhole or one known transit gateway of the fleet; every attachment in their
 *   VPCs has one certain association; their blocks are known;
 * - A's VPC blocks do not overlap B's (the local route would carry the traffic);
 * - not A reaching the internet (an internet or NAT gateway route) while B is reachable from it
 *   (an internet gateway route): their public addresses could meet there;
 * - in every TGW table an attachment of A is associated with, no route other than a blackhole
 *   decides for any address of B: each non-blackhole route overlapping B's block has its overlap
 *   covered by a strictly longer blackhole route (longest prefix wins), and no route of unknown
 *   destination may send anywhere.
 * A pair is cleared when neither tenant can send to the other. Anything else the pre-check does
 * not understand (a peering, VPN or appliance route, an unknown route target, a subnet or an
 * attachment whose VPC cannot be told, workloads of a tenant in no tenant subnet, another cloud)
 * clears nothing: the whole fleet then goes to the engine as before, and may be "not analysed".
 */
import { CidrSet } from "../net/cidr";
import { analyseReachability, type Matrix, type NetResource } from "../reachability";
import { ResourceGraph, propsOf } from "../reachability/graph";
import { readAws } from "../reachability/aws/model";
import { cidrsOf } from "../reachability/aws/common";
import type { TgwTable } from "../reachability/aws/transit";

export interface TenantFacts {
  readonly name: string;
  readonly vpcs: readonly string[];
  readonly block: CidrSet;
  /** Why the pre-check cannot reason about this tenant (then nothing is cleared). */
  readonly notUnderstood: readonly string[];
  readonly internetOut: boolean;
  readonly internetIn: boolean;
  /** The TGW tables its traffic may be looked up in. */
  readonly tables: readonly TgwTable[];
}

export interface IsolationPrecheck {
  readonly tenants: readonly string[];
  /** Unordered pairs [a, b] (a < b) proven isolated. */
  readonly cleared: readonly (readonly [string, string])[];
  /** Unordered pairs left to the engine, each with the first reason found. */
  readonly open: readonly { readonly pair: readonly [string, string]; readonly why: string }[];
  /** When set, nothing was cleared, for this reason (the whole fleet needs the engine). */
  readonly fallback?: string;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A TGW table's routes as tableMaySend reads them, worked out once per table (a fleet asks per tenant pair). */
interface TableRoutes {
  /** Blackhole routes of one known block: [prefix, destination]. */
  readonly blackholes: readonly (readonly [number, CidrSet])[];
  /** The other routes, each with the prefix of its destination when that is one block. */
  readonly routes: readonly { readonly route: TgwTable["routes"][number]; readonly prefix?: number }[];
}

const tableRoutes = new WeakMap<TgwTable, TableRoutes>();

function routesOf(table: TgwTable): TableRoutes {
  const known = tableRoutes.get(table);
  if (known) return known;
  const oneBlock = (dest: CidrSet) => {
    const c = dest.toCidrs();
    return c.length === 1 ? c[0].prefix : undefined;
  };
  const blackholes: [number, CidrSet][] = [];
  const routes: { route: TgwTable["routes"][number]; prefix?: number }[] = [];
  for (const r of table.routes) {
    if (r.target.kind !== "blackhole") routes.push({ route: r, prefix: r.destUnknown ? undefined : oneBlock(r.dest) });
    else if (!r.destUnknown) {
      const prefix = oneBlock(r.dest);
      if (prefix !== undefined) blackholes.push([prefix, r.dest]);
    }
  }
  const made = { blackholes, routes };
  tableRoutes.set(table, made);
  return made;
}

/** Whether a route of `table` other than a blackhole may decide for some address of `block`. */
export function tableMaySend(table: TgwTable, block: CidrSet): string | undefined {
  const { blackholes, routes } = routesOf(table);
  for (const { route: r, prefix } of routes) {
    if (r.destUnknown) return `${r.ref.resource} ${r.ref.rule} in ${table.name} has an unknown destination`;
    if (!r.dest.overlaps(block)) continue;
    const overlap = r.dest.intersect(block);
    const covered = prefix !== undefined && blackholes.some(([p, dest]) => p > prefix && dest.covers(overlap));
    if (!covered) return `${r.ref.resource} ${r.ref.rule} in ${table.name} routes ${overlap} onwards`;
  }
  return undefined;
}

/** The facts of every tenant of the fleet, read as the engine reads the resources. */
export function tenantFacts(g: ResourceGraph): { tenants: TenantFacts[]; fallback?: string } {
  const model = readAws(g);
  const gateways = new Set(model.transit.gateways.keys());
  const unplaced = model.subnets.filter((s) => s.vpc === undefined || !s.vpc.startsWith("urn:"));
  if (unplaced.length) return { tenants: [], fallback: `the VPC of subnet ${unplaced[0].name} cannot be told (${unplaced.length} such)` };
  const unattached = [...model.transit.attachments.values()].filter((a) => a.vpc === undefined || !a.vpc.startsWith("urn:"));
  if (unattached.length) return { tenants: [], fallback: `the VPC of TGW attachment ${unattached[0].name} cannot be told (${unattached.length} such)` };
  const vpcsOf = new Map<string, Set<string>>();
  for (const s of model.subnets) if (s.tenant !== undefined) (vpcsOf.get(s.tenant) ?? vpcsOf.set(s.tenant, new Set()).get(s.tenant)!).add(s.vpc!);
  const tenantOfVpc = new Map<string, string>();
  const tenants: TenantFacts[] = [];
  for (const [name, vpcSet] of [...vpcsOf].sort(([a], [b]) => byName(a, b))) {
    const vpcs = [...vpcSet].sort();
    const notUnderstood: string[] = [];
    let block = CidrSet.EMPTY;
    for (const v of vpcs) {
      const other = tenantOfVpc.get(v);
      if (other !== undefined) notUnderstood.push(`its VPC is also tenant ${other}'s`);
      tenantOfVpc.set(v, name);
      const p = propsOf(g.byUrn.get(v)!);
      const c = cidrsOf(p.cidrBlock, p.ipv6CidrBlock);
      if (c.unknown) notUnderstood.push(`the block of VPC ${v} is unknown`);
      block = block.union(c.set);
    }
    const subnets = model.subnets.filter((s) => vpcSet.has(s.vpc!));
    let internetOut = false;
    let internetIn = false;
    for (const s of subnets) {
      if (s.cidrs === undefined) notUnderstood.push(`the block of subnet ${s.name} is unknown`);
      else block = block.union(s.cidrs);
      // No table of the stack: the VPC's main route table, which the engine takes as local only (as AWS creates it).
      if (!s.routeTable) continue;
      for (const r of s.routeTable.routes) {
        if (r.target === "igw") internetOut = internetIn = true;
        else if (r.target === "nat") internetOut = true;
        else if (r.target === "tgw") {
          if (!r.transit?.certain || !gateways.has(r.transit.urns[0])) notUnderstood.push(`${r.ref.rule} of ${s.routeTable.name} names a transit gateway outside the fleet or not for sure`);
        } else if (r.target !== "local" && r.target !== "blackhole") notUnderstood.push(`${r.ref.rule} of ${s.routeTable.name} goes to a ${r.target} target, which the pre-check does not follow`);
      }
    }
    const attachments = [...model.transit.attachments.values()].filter((a) => vpcSet.has(a.vpc!));
    for (const a of attachments) if (!a.associationCertain) notUnderstood.push(`the TGW route table of attachment ${a.name} is not certain`);
    tenants.push({ name, vpcs, block, notUnderstood, internetOut, internetIn, tables: [...new Set(attachments.flatMap((a) => a.tables))] });
  }
  return { tenants };
}

/** Why tenant `a` may send to tenant `b`, or undefined when it cannot for certain. */
export function maySend(a: TenantFacts, b: TenantFacts): string | undefined {
  if (a.notUnderstood.length) return `tenant ${a.name}: ${a.notUnderstood[0]}`;
  if (b.notUnderstood.length) return `tenant ${b.name}: ${b.notUnderstood[0]}`;
  if (a.block.overlaps(b.block)) return `the blocks of ${a.name} and ${b.name} overlap`;
  if (a.internetOut && b.internetIn) return `${a.name} reaches the internet and ${b.name} is reachable from it`;
  for (const t of a.tables) {
    const why = tableMaySend(t, b.block);
    if (why) return `${a.name} -> ${b.name}: ${why}`;
  }
  return undefined;
}

export function precheckFleetIsolation(resources: readonly NetResource[], graph = new ResourceGraph(resources)): IsolationPrecheck {
  return precheckOf(tenantFacts(graph));
}

function precheckOf({ tenants, fallback }: { tenants: readonly TenantFacts[]; fallback?: string }): IsolationPrecheck {
  const names = tenants.map((t) => t.name);
  const cleared: [string, string][] = [];
  const open: { pair: [string, string]; why: string }[] = [];
  for (let i = 0; i < tenants.length; i++) {
    for (let j = i + 1; j < tenants.length; j++) {
      const [a, b] = [tenants[i], tenants[j]];
      const why = fallback ?? maySend(a, b) ?? maySend(b, a);
      if (why === undefined) cleared.push([a.name, b.name]);
      else open.push({ pair: [a.name, b.name], why });
    }
  }
  return { tenants: names, cleared, open, ...(fallback ? { fallback } : {}) };
}

/**
 * The resources that belong to one tenant only: the subtree of the highest ancestor (component)
 * of its VPCs that holds no other tenant's VPC. Empty when its VPCs have no such ancestor, i.e.
 * when the fleet cannot be split by its components (then nothing is left out of a run).
 */
function tenantSubtrees(resources: readonly NetResource[], tenantVpcs: ReadonlyMap<string, readonly string[]>): Map<string, string> {
  const parent = new Map(resources.map((r) => [r.urn, r.parent]));
  const chain = (urn: string) => {
    const out: string[] = [];
    for (let p = parent.get(urn); p !== undefined && out.length < 100; p = parent.get(p)) out.push(p);
    return out;
  };
  const holders = new Map<string, Set<string>>();
  for (const [t, vpcs] of tenantVpcs) for (const v of vpcs) for (const a of chain(v)) (holders.get(a) ?? holders.set(a, new Set()).get(a)!).add(t);
  const roots = new Map<string, string>();
  for (const [t, vpcs] of tenantVpcs) {
    const mine = chain(vpcs[0]).filter((a) => holders.get(a)!.size === 1);
    if (mine.length && vpcs.every((v) => chain(v).includes(mine[mine.length - 1]))) roots.set(mine[mine.length - 1], t);
  }
  const owner = new Map<string, string>();
  if (roots.size !== tenantVpcs.size) return owner;
  for (const r of resources) {
    const t = roots.get(r.urn) ?? chain(r.urn).map((a) => roots.get(a)).find((x) => x !== undefined);
    if (t !== undefined) owner.set(r.urn, t);
  }
  return owner;
}

export interface FleetIsolation {
  readonly precheck: IsolationPrecheck;
  /** Tenant pairs the engine judged (the open ones, and the sampled cleared ones). */
  readonly engineRuns: number;
  /** Zone pairs of different tenants with any possible traffic, `from -> to`. */
  readonly crossTenantPaths?: readonly string[];
  /** Cleared pairs the engine was asked to cross-check, and those where it disagreed (a bug: reported as paths). */
  readonly crossChecked: number;
  readonly disagreements: readonly (readonly [string, string])[];
  readonly notAnalysed?: string;
}

export interface FleetIsolationOptions {
  /** Largest engine run, in endpoints (default 600). */
  readonly maxEndpoints?: number;
  /** Cleared pairs also judged by the engine, to cross-check the pre-check (default 0). */
  readonly crossCheck?: number;
  /** Open pairs judged by the engine at most (default 5,000): above it, not analysed. */
  readonly maxEngineRuns?: number;
  /**
   * The endpoints the engine sees in `resources`, when the caller already has them (a matrix of
   * the same resources that stopped at `maxEndpoints`): the fleet model is then not built again.
   */
  readonly endpoints?: readonly { readonly tenant?: string }[];
}

/** Zone pairs of different tenants (both in `only`, when given) with any possible traffic. */
const crossPaths = (m: Matrix, only?: readonly string[]): string[] => {
  const by = new Map(m.endpoints.map((e) => [e.id, e]));
  return m.pairs
    .filter((p) => {
      const a = by.get(p.from)?.tenant;
      const b = by.get(p.to)?.tenant;
      return a !== undefined && b !== undefined && a !== b && !p.possible.isEmpty() && (!only || (only.includes(a) && only.includes(b)));
    })
    .map((p) => `${p.from} -> ${p.to}`);
};

/**
 * Isolation of every tenant of a joined fleet: the pre-check, then the engine on each pair it left
 * open (and on `crossCheck` cleared pairs, spread evenly), each run on the two tenants' own
 * resources and every resource no single tenant owns. When the pre-check falls back, the whole
 * fleet is one engine run, within `maxEndpoints` or not analysed.
 */
export function analyseFleetIsolation(resources: readonly NetResource[], options: FleetIsolationOptions = {}): FleetIsolation {
  const maxEndpoints = options.maxEndpoints ?? 600;
  const graph = new ResourceGraph(resources);
  const facts = tenantFacts(graph);
  const precheck = precheckOf(facts);
  const whole = (why: string): FleetIsolation => {
    const m = analyseReachability(resources, { maxEndpoints });
    const skipped = (m as { skipped?: string }).skipped;
    // Nothing the pre-check cleared counts then: the whole fleet is the engine's to judge.
    const base = { precheck: { ...precheck, cleared: [], open: [], fallback: why }, engineRuns: 1, crossChecked: 0, disagreements: [] };
    return skipped !== undefined ? { ...base, notAnalysed: `the pre-check cannot clear any pair (${why}), and the whole fleet is ${skipped}` } : { ...base, crossTenantPaths: crossPaths(m) };
  };
  if (precheck.fallback !== undefined) return whole(precheck.fallback);
  // Every tenant the engine sees must be one the pre-check read (a workload tagged for a tenant outside its subnets is not).
  const seen = options.endpoints ?? analyseReachability(resources, { maxEndpoints: 0 }).endpoints;
  const known = new Set(precheck.tenants);
  const strange = [...new Set(seen.map((e) => e.tenant).filter((t): t is string => t !== undefined && !known.has(t)))];
  if (strange.length) return whole(`the engine sees tenant(s) ${strange.slice(0, 3).join(", ")} in no tenant subnet the pre-check read`);
  const maxRuns = options.maxEngineRuns ?? 5000;
  if (precheck.open.length > maxRuns) {
    return { precheck, engineRuns: 0, crossChecked: 0, disagreements: [], notAnalysed: `${precheck.open.length} tenant pairs are not cleared by the TGW tables (first: ${precheck.open[0].pair.join(" / ")}: ${precheck.open[0].why}), above the limit of ${maxRuns} engine runs` };
  }
  const owner = tenantSubtrees(resources, new Map(facts.tenants.map((t) => [t.name, t.vpcs])));
  const pairResources = (a: string, b: string) => resources.filter((r) => {
    const t = owner.get(r.urn);
    return t === undefined || t === a || t === b;
  });
  const sample = Math.min(options.crossCheck ?? 0, precheck.cleared.length);
  const sampled = Array.from({ length: sample }, (_, i) => precheck.cleared[Math.floor((i * precheck.cleared.length) / sample)]);
  const paths: string[] = [];
  const disagreements: [string, string][] = [];
  let runs = 0;
  for (const [pair, isSample] of [...precheck.open.map((o) => [o.pair, false] as const), ...sampled.map((p) => [p, true] as const)]) {
    const m = analyseReachability(pairResources(pair[0], pair[1]), { maxEndpoints });
    const skipped = (m as { skipped?: string }).skipped;
    if (skipped !== undefined) return { precheck, engineRuns: runs + 1, crossChecked: 0, disagreements, notAnalysed: `tenants ${pair.join(" and ")}: ${skipped}` };
    runs++;
    const found = crossPaths(m, pair);
    if (isSample && found.length) disagreements.push([pair[0], pair[1]]);
    paths.push(...found);
  }
  return { precheck, engineRuns: runs, crossChecked: sample, disagreements, crossTenantPaths: [...new Set(paths)].sort() };
}
