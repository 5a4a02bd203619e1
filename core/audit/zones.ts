/**
 * Zones for a network nobody tagged (brownfield): which AWS subnets belong together, guessed the
 * way a network team lays them out. A subnet's zone is, first found: its tier tag (`Tier`, `Zone`,
 * `Layer`, any case), its Name tag less the availability-zone suffix (`prod-app-a`, `prod-app-1b`,
 * `prod-app-az2` -> `prod-app`), else its route table (the one associated with it, or its VPC's
 * main table): subnets that route alike are alike. The guess is deterministic, so `--draft-intent`
 * and a later audit of the same inventory against the drafted intent place subnets identically;
 * a subnet tagged `netseg:zone` keeps its tag, and one netseg manages without a zone (its egress
 * NAT and proxy subnets) is left out.
 */
import { TAG } from "../tags";
import type { NetResource } from "../reachability/model";

const SUBNET = "aws:ec2/subnet:Subnet";
const TIER_KEYS = ["tier", "zone", "layer"];
/** Zone names are DNS labels of at most 30 characters (the intent's rule). */
const MAX = 30;

export interface ZoneGuess {
  readonly urn: string;
  /** The subnet's id when known, else its logical name. */
  readonly subnet: string;
  readonly zone: string;
  /** `tag Tier=web`, `Name prod-app-a`, `route table rtb-0abc`. */
  readonly because: string;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

const propsOf = (r: NetResource): Record<string, unknown> => r.props ?? r.inputs ?? {};

function tagsOf(r: NetResource): Record<string, string> {
  const tags = asRecord(propsOf(r).tags) ?? {};
  return Object.fromEntries(Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** A valid zone name from any text: lower case, `-` between words, starting with a letter. */
export function zoneSlug(text: string): string {
  let s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(s)) s = `z-${s}`;
  return s.slice(0, MAX).replace(/-+$/, "") || "zone";
}

/** A Name less its availability-zone part: `-a`, `-1b`, `-az2`, `-us-east-1a`, `_2`. */
export function namePrefix(name: string): string {
  let s = name.trim();
  const suffix = /[-_ .](?:[a-z]{2}-[a-z]+-\d+[a-z]|\d*[a-f]|az\d+|\d+)$/i;
  while (suffix.test(s) && s.replace(suffix, "").length > 0) s = s.replace(suffix, "");
  return s;
}

/** A guess for every subnet without a `netseg:zone` tag, sorted by zone then subnet. */
export function guessZones(resources: readonly NetResource[]): ZoneGuess[] {
  const tableOf = new Map<string, string>();
  const mainOf = new Map<string, string>();
  const tableName = new Map<string, string>();
  for (const r of resources) {
    const p = propsOf(r);
    if (r.type === "aws:ec2/routeTableAssociation:RouteTableAssociation" && typeof p.subnetId === "string" && typeof p.routeTableId === "string") tableOf.set(p.subnetId, p.routeTableId);
    if (r.type === "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation" && typeof p.vpcId === "string" && typeof p.routeTableId === "string") mainOf.set(p.vpcId, p.routeTableId);
    if (r.type === "aws:ec2/vpc:Vpc" && typeof p.mainRouteTableId === "string" && r.id && !mainOf.has(r.id)) mainOf.set(r.id, p.mainRouteTableId);
    if (r.type === "aws:ec2/routeTable:RouteTable" && r.id && typeof tagsOf(r).Name === "string") tableName.set(r.id, tagsOf(r).Name);
  }
  const guesses: ZoneGuess[] = [];
  for (const r of resources) {
    if (r.type !== SUBNET) continue;
    const tags = tagsOf(r);
    // A zone tag decides; a subnet netseg laid out without one (egress NAT, proxy) is netseg's own plumbing.
    if (tags[TAG.aws.zone] || tags[TAG.aws.managedBy] === "netseg") continue;
    const subnet = r.id ?? r.name;
    const tier = Object.keys(tags).find((k) => TIER_KEYS.includes(k.toLowerCase()) && tags[k].trim() !== "");
    if (tier) {
      guesses.push({ urn: r.urn, subnet, zone: zoneSlug(tags[tier]), because: `tag ${tier}=${tags[tier]}` });
      continue;
    }
    if (tags.Name && tags.Name.trim() !== "") {
      guesses.push({ urn: r.urn, subnet, zone: zoneSlug(namePrefix(tags.Name)), because: `Name ${tags.Name}` });
      continue;
    }
    const p = propsOf(r);
    const table = (r.id ? tableOf.get(r.id) : undefined) ?? (typeof p.vpcId === "string" ? mainOf.get(p.vpcId) : undefined);
    if (table) {
      const named = tableName.get(table);
      guesses.push({ urn: r.urn, subnet, zone: zoneSlug(named ? namePrefix(named) : table), because: `route table ${table}${named ? ` (${named})` : ""}${r.id && tableOf.has(r.id) ? "" : ", its VPC's main table"}` });
    }
  }
  return guesses.sort((a, b) => a.zone.localeCompare(b.zone) || a.subnet.localeCompare(b.subnet));
}

/** What the intent says of a zone, written onto the subnets placed in it as netseg's own marks. */
export interface ZoneMarks {
  readonly internet?: "none" | "inbound";
  readonly sensitive?: boolean;
}

/**
 * The resources with each guessed subnet tagged `netseg:zone=<zone>` (and, from `zones`, the
 * zone's `netseg:internet` and `netseg:sensitive` marks, as netseg's components tag theirs), for
 * the zones `zones` names only; the rest stay as read.
 */
export function withGuessedZones(resources: readonly NetResource[], guesses: readonly ZoneGuess[], zones: ReadonlySet<string> | ReadonlyMap<string, ZoneMarks>): NetResource[] {
  const marksOf = (zone: string): ZoneMarks | undefined => (zones instanceof Map ? zones.get(zone) : (zones as ReadonlySet<string>).has(zone) ? {} : undefined);
  const zoneOf = new Map(guesses.filter((g) => marksOf(g.zone) !== undefined).map((g) => [g.urn, g.zone]));
  if (zoneOf.size === 0) return [...resources];
  return resources.map((r) => {
    const zone = zoneOf.get(r.urn);
    if (zone === undefined) return r;
    const props = propsOf(r);
    const m = marksOf(zone)!;
    const marks = {
      [TAG.aws.zone]: zone,
      ...(m.internet ? { [TAG.aws.exposure]: m.internet } : {}),
      ...(m.sensitive !== undefined ? { [TAG.aws.sensitive]: String(m.sensitive) } : {}),
    };
    return { ...r, props: { ...props, tags: { ...(asRecord(props.tags) ?? {}), ...marks } } };
  });
}

/** Zone names the inventory's own `netseg:zone` tags give (subnets). */
export function taggedZones(resources: readonly NetResource[]): Set<string> {
  return new Set(resources.filter((r) => r.type === SUBNET).map((r) => tagsOf(r)[TAG.aws.zone]).filter((z): z is string => typeof z === "string" && z !== ""));
}
