/**
 * Which platforms an intent applies to. The same intent may drive a VPC, a GCP network and a
 * cluster, and zone names mean different things on each (an AWS zone is tagged subnets, a
 * Kubernetes zone a namespace), so an intent is held against one platform's sub-matrix at a time:
 *
 * - An intent carried by a netseg component applies to that component's platform, read from its
 *   type token (`netseg:aws:SegmentedVpc` -> aws, `netseg:gcp:SegmentedNetwork` -> gcp,
 *   `netseg:k8s:NamespaceIsolation` -> k8s). Carried by several components, it applies to each
 *   of their platforms.
 * - An intent given by the caller (pack config, `--intent`) is unscoped: it applies to every
 *   platform that has an endpoint for one of its zones. It never makes a platform invent
 *   endpoints (no Kubernetes namespace out of an AWS intent).
 */
import type { Intent } from "../intent/types";
import type { Endpoint, Matrix, Platform } from "./model";
import { CidrSet } from "../net/cidr";

export interface ScopedIntent {
  readonly intent: Intent;
  /** The platforms it applies to; undefined: every platform with an endpoint for one of its zones. */
  readonly platforms?: readonly Platform[];
  /**
   * The tenant whose VPC it describes (the component's `netseg:tenant` tag): it applies to that
   * tenant's zones only; without one, to zones of no tenant. Other tenants' zones (and shared
   * services) are then outside it, reached as its peers are: by address.
   */
  readonly tenant?: string;
}

const PLATFORMS: readonly Platform[] = ["aws", "gcp", "k8s"];

/** The platform of a netseg component type token (`netseg:<platform>:<Name>`), if it names one. */
export function componentPlatform(type: string): Platform | undefined {
  const [pkg, mod] = type.split(":");
  return pkg === "netseg" && (PLATFORMS as readonly string[]).includes(mod) ? (mod as Platform) : undefined;
}

/**
 * Merges intents found in several places by name: platforms add up, and an unscoped one (given
 * by the caller) stays unscoped. The first intent of a name is kept; the result is sorted by name.
 */
export function mergeScoped(list: readonly ScopedIntent[]): ScopedIntent[] {
  const byName = new Map<string, { intent: Intent; tenant?: string; platforms?: Set<Platform> }>();
  for (const s of list) {
    const cur = byName.get(s.intent.name);
    if (!cur) byName.set(s.intent.name, { intent: s.intent, tenant: s.tenant, platforms: s.platforms ? new Set(s.platforms) : undefined });
    else if (!s.platforms) cur.platforms = undefined;
    else if (cur.platforms) for (const p of s.platforms) cur.platforms.add(p);
  }
  return [...byName.values()]
    .sort((a, b) => (a.intent.name < b.intent.name ? -1 : a.intent.name > b.intent.name ? 1 : 0))
    .map((s) => ({ intent: s.intent, ...(s.platforms ? { platforms: PLATFORMS.filter((p) => s.platforms!.has(p)) } : {}), ...(s.tenant ? { tenant: s.tenant } : {}) }));
}

/** Whether a scoped intent names `platform` explicitly, or (unscoped) may apply to any. */
export function mayApplyTo(s: ScopedIntent, platform: Platform): boolean {
  return !s.platforms || s.platforms.includes(platform);
}

/** The platforms an intent is held against in this matrix (see the module comment). */
export function platformsOf(endpoints: readonly Endpoint[], intent: Intent, platforms?: readonly Platform[], tenant?: string): Platform[] {
  if (platforms) return PLATFORMS.filter((p) => platforms.includes(p));
  const zones = new Set(intent.zones.map((z) => z.name));
  return PLATFORMS.filter((p) => endpoints.some((e) => e.platform === p && e.zone !== undefined && zones.has(e.zone) && e.tenant === tenant));
}

/**
 * The tenant an intent describes when no component tag said so: the one tenant whose tagged
 * zones lie inside the intent's address space (a tenant VPC's intent has the tenant's block as
 * its address space). Undefined when none or several do.
 */
export function inferTenant(endpoints: readonly Endpoint[], intent: Intent): string | undefined {
  let space: CidrSet;
  try {
    space = CidrSet.fromCidrs([intent.addressSpace]);
  } catch {
    return undefined;
  }
  const tenants = new Set(endpoints.filter((e) => e.tenant && e.zone !== undefined && e.addresses && !e.addresses.isEmpty() && space.covers(e.addresses)).map((e) => e.tenant));
  return tenants.size === 1 ? [...tenants][0] : undefined;
}

/** The tenant a netseg component's tags name (`netseg:tenant`), if any. */
export function componentTenant(tags: unknown): string | undefined {
  const t = typeof tags === "object" && tags !== null ? (tags as Record<string, unknown>)["netseg:tenant"] : undefined;
  return typeof t === "string" && t !== "" ? t : undefined;
}

/** Convenience for callers holding a matrix. */
export function platformsIn(matrix: Matrix, s: ScopedIntent): Platform[] {
  return platformsOf(matrix.endpoints, s.intent, s.platforms, s.tenant ?? inferTenant(matrix.endpoints, s.intent));
}
