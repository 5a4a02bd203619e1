/**
 * The sections of an intent, each resolved on its own: addressing, zones (with their slots),
 * flow endpoints, egress allow-lists, tenants. Every check adds its problem to a Collector
 * (path, message, value, fix) rather than throwing, so validate.ts can report them all at once.
 */
import { parseCidr, blockCount, subnetAt, cidrsOverlap, type Cidr } from "../net/cidr";
import { parsePortSpec, TrafficSet, type PortSpec } from "../net/ports";
import type { IntentDocument } from "./schema";
import { closest, type IntentIssue } from "./errors";
import type { Quarantine, Addressing, EgressAllowList, EgressDestination, Endpoint, Flow, Peer, SharedServices, TenantsIntent, Zone } from "./types";

/** AWS accepts subnets from /16 to /28. */
export const SMALLEST_SUBNET_PREFIX = 28;

type ZoneDoc = IntentDocument["zones"][number];
type FlowDoc = IntentDocument["flows"][number];

export class Collector {
  readonly issues: IntentIssue[] = [];
  add(path: string, message: string, value?: unknown, fix?: string): void {
    this.issues.push({ path, message, value, fix });
  }
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && (n & (n - 1)) === 0;
}

export function checkCidr(c: Collector, path: string, text: string): Cidr | undefined {
  const parsed = parseCidr(text, { strict: true });
  if ("error" in parsed) {
    c.add(path, parsed.error, text, "write a network address with its prefix length, such as 10.20.0.0/16");
    return undefined;
  }
  return parsed;
}

function parsePorts(c: Collector, path: string, texts: readonly string[]): PortSpec[] {
  const specs: PortSpec[] = [];
  texts.forEach((t, i) => {
    const p = parsePortSpec(t);
    if ("error" in p) c.add(`${path}[${i}]`, p.error, t, "use tcp/443, udp/53, tcp/8000-8100, sctp/3868, icmp or all");
    else specs.push(p);
  });
  return TrafficSet.fromSpecs(specs).toSpecs();
}

/** Resolves zone slots: explicit ones first, then the lowest free slot in declared order. */
export function resolveZones(c: Collector, path: string, zones: readonly ZoneDoc[], usableSlots: number, slotsField = "addressing.zoneSlots"): Zone[] {
  const seen = new Map<string, number>();
  const taken = new Map<number, string>();
  zones.forEach((z, i) => {
    const prior = seen.get(z.name);
    if (prior !== undefined) c.add(`${path}[${i}].name`, `zone "${z.name}" is declared twice (also ${path}[${prior}])`, z.name, "give every zone a unique name");
    else seen.set(z.name, i);
    if (z.slot !== undefined) {
      if (z.slot >= usableSlots) {
        c.add(`${path}[${i}].slot`, `slot must be below ${usableSlots} (slot ${usableSlots} and above are reserved or outside the address space)`, z.slot, `pick a free slot or raise ${slotsField}`);
      } else if (taken.has(z.slot)) {
        c.add(`${path}[${i}].slot`, `slot ${z.slot} is already taken by zone "${taken.get(z.slot)}"`, z.slot, "give each zone its own slot");
      } else taken.set(z.slot, z.name);
    }
    if (z.internet === "inbound" && z.sensitive) {
      c.add(`${path}[${i}]`, `zone "${z.name}" is both internet-facing and sensitive`, undefined, "keep sensitive data in a zone that is not internet-facing and reach it through a flow from the edge zone");
    }
  });
  if (zones.length > usableSlots) {
    if (slotsField === "addressing.zoneSlots") c.add(path, `${zones.length} zones do not fit: the address space is cut into ${usableSlots} usable zone slots`, zones.length, "raise addressing.zoneSlots (a power of two) or use a larger addressSpace");
    else c.add(path, `${zones.length} zones do not fit in ${usableSlots} usable zone slots (${slotsField} is ${usableSlots + 1}; the last slot holds netseg's infrastructure subnets)`, zones.length, `remove a zone, or raise ${slotsField} (a power of two), which re-cuts every existing subnet it lays out: plan that as a migration`);
  }
  let next = 0;
  return zones.map((z) => {
    let slot = z.slot;
    if (slot === undefined || slot >= usableSlots) {
      while (taken.has(next)) next++;
      slot = next;
      taken.set(slot, z.name);
    }
    return {
      name: z.name,
      internet: z.internet,
      egress: z.egress,
      sensitive: z.sensitive,
      slot,
      slotPinned: z.slot !== undefined && z.slot === slot,
      managed: z.managed,
      workloads: z.workloads.map((w) => ({ name: w.name, labels: w.labels ?? { app: w.name }, serviceAccount: w.serviceAccount })),
    };
  });
}

function resolveEndpoint(c: Collector, path: string, text: string, zones: ReadonlyMap<string, Zone>, peers: ReadonlyMap<string, Peer>): Endpoint | undefined {
  if (text === "internet") return { kind: "internet" };
  const peer = peers.get(text);
  if (peer) return { kind: "peer", peer: peer.name, cidrs: peer.cidrs };
  const [zoneName, workload, extra] = text.split("/");
  const zone = zones.get(zoneName);
  if (!zone || extra !== undefined) {
    const known = [...zones.keys(), ...peers.keys(), "internet"];
    const guess = closest(zoneName, known);
    c.add(path, `"${text}" is not a zone, zone/workload, peer or "internet"`, text, guess ? `did you mean "${guess}"? Known: ${known.join(", ")}` : `declare it under zones or peers; known: ${known.join(", ")}`);
    return undefined;
  }
  if (workload !== undefined && !zone.workloads.some((w) => w.name === workload)) {
    const names = zone.workloads.map((w) => w.name);
    const guess = closest(workload, names);
    c.add(path, `zone "${zone.name}" has no workload "${workload}"`, text, guess ? `did you mean "${zone.name}/${guess}"?` : `declare it under the zone's workloads${names.length ? ` (it has ${names.join(", ")})` : ""}`);
    return undefined;
  }
  return { kind: "zone", zone: zone.name, workload };
}

export function resolveFlows(c: Collector, path: string, flows: readonly FlowDoc[], zones: ReadonlyMap<string, Zone>, peers: ReadonlyMap<string, Peer>): Flow[] {
  const out: Flow[] = [];
  const keys = new Map<string, number>();
  flows.forEach((f, i) => {
    const p = `${path}[${i}]`;
    const from = resolveEndpoint(c, `${p}.from`, f.from, zones, peers);
    const to = resolveEndpoint(c, `${p}.to`, f.to, zones, peers);
    const ports = parsePorts(c, `${p}.ports`, f.ports);
    if (!from || !to) return;
    if (from.kind !== "zone" && to.kind !== "zone") {
      c.add(p, `a flow must start or end in a zone; "${f.from}" -> "${f.to}" touches none`, undefined, "name a zone on at least one side");
      return;
    }
    if (from.kind === "internet" && to.kind === "zone") {
      const z = zones.get(to.zone)!;
      if (z.sensitive) c.add(`${p}.to`, `zone "${z.name}" is sensitive and may not be reached from the internet`, f.to, "route the traffic through an internet-facing zone (e.g. edge) with a flow from there");
      else if (z.internet !== "inbound") c.add(`${p}.to`, `zone "${z.name}" is not internet-facing, so the internet cannot reach it`, f.to, `set internet: inbound on zone "${z.name}", or let an internet-facing zone reach it`);
    }
    if (to.kind === "internet" && from.kind === "zone") {
      const z = zones.get(from.zone)!;
      if (z.egress !== "nat") {
        const fix = z.egress === "proxy" ? `list the destinations under egress for "${z.name}" (they go through the proxy)` : `set egress: nat on zone "${z.name}"`;
        c.add(`${p}.to`, `zone "${z.name}" has egress ${z.egress}, so it cannot open connections straight to the internet`, f.to, fix);
      }
    }
    const key = `${f.from}->${f.to}`;
    const prior = keys.get(key);
    if (prior !== undefined) {
      c.add(p, `flow ${key} is declared twice (also ${path}[${prior}])`, key, "merge their ports into one flow");
      return;
    }
    keys.set(key, i);
    out.push({ key, from, to, ports, description: f.description ?? `netseg flow ${f.from} to ${f.to}`, http: f.http });
  });
  return out;
}

const HOST = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function resolveEgress(c: Collector, doc: IntentDocument, zones: ReadonlyMap<string, Zone>): EgressAllowList[] {
  return doc.egress.flatMap((e, i) => {
    const p = `egress[${i}]`;
    const [zoneName, workload] = e.from.split("/");
    const zone = zones.get(zoneName);
    if (!zone) {
      const guess = closest(zoneName, [...zones.keys()]);
      c.add(`${p}.from`, `"${e.from}" is not a zone`, e.from, guess ? `did you mean "${guess}"?` : "name a zone declared under zones");
      return [];
    }
    if (workload !== undefined && !zone.workloads.some((w) => w.name === workload)) {
      c.add(`${p}.from`, `zone "${zone.name}" has no workload "${workload}"`, e.from, "declare the workload under the zone's workloads");
      return [];
    }
    if (zone.egress !== "proxy") {
      c.add(`${p}.from`, `zone "${zone.name}" has egress ${zone.egress}; an allow-list is enforced only by the egress proxy`, e.from, `set egress: proxy on zone "${zone.name}" or remove this allow-list`);
    }
    const destinations: EgressDestination[] = [];
    e.allow.forEach((d, j) => {
      const m = /^(.*):(\d{1,5})$/.exec(d.trim().toLowerCase());
      const port = m ? Number(m[2]) : NaN;
      if (!m || !HOST.test(m[1]) || port < 1 || port > 65535) {
        c.add(`${p}.allow[${j}]`, `"${d}" is not a destination of the form host:port (a leading *. matches subdomains)`, d, "write e.g. api.stripe.com:443 or *.amazonaws.com:443");
        return;
      }
      destinations.push({ host: m[1], port, wildcard: m[1].startsWith("*.") });
    });
    const unique = new Map(destinations.map((d) => [`${d.host}:${d.port}`, d]));
    const sorted = [...unique.values()].sort((a, b) => (a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1));
    return [{ zone: zone.name, workload, destinations: sorted }];
  });
}

export function resolveAddressing(c: Collector, doc: IntentDocument): { space?: Cidr; usableSlots: number } {
  const space = checkCidr(c, "addressSpace", doc.addressSpace);
  const { zoneSlots, azSlots } = doc.addressing;
  if (!isPowerOfTwo(zoneSlots) || zoneSlots < 2) c.add("addressing.zoneSlots", "must be a power of two of at least 2", zoneSlots, "use 4, 8, 16 or 32");
  if (!isPowerOfTwo(azSlots)) c.add("addressing.azSlots", "must be a power of two", azSlots, "use 2, 4 or 8");
  if (doc.availabilityZones > azSlots) {
    c.add("availabilityZones", `${doc.availabilityZones} availability zones do not fit in ${azSlots} AZ slots per zone`, doc.availabilityZones, "raise addressing.azSlots (a power of two) or use fewer availability zones");
  }
  if (space && space.family !== 4) c.add("addressSpace", "must be an IPv4 block (IPv6 address spaces are not supported yet)", doc.addressSpace, "use an RFC 1918 block such as 10.20.0.0/16");
  if (space && space.family === 4 && isPowerOfTwo(zoneSlots) && isPowerOfTwo(azSlots)) {
    const subnetPrefix = space.prefix + Math.log2(zoneSlots) + Math.log2(azSlots);
    if (subnetPrefix > SMALLEST_SUBNET_PREFIX) {
      c.add("addressSpace", `${space.text} is too small for ${zoneSlots} zone slots x ${azSlots} AZ slots: subnets would be /${subnetPrefix}, and the smallest AWS subnet is /${SMALLEST_SUBNET_PREFIX}`, doc.addressSpace, `use a block of /${space.prefix - (subnetPrefix - SMALLEST_SUBNET_PREFIX)} or larger, or lower addressing.zoneSlots / addressing.azSlots`);
    }
  }
  return { space, usableSlots: Math.max(0, zoneSlots - 1) };
}

/** The smallest power of two at or above n. */
function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/**
 * The zone slots x AZ slots a tenant block (or the shared-services VPC) is cut into. Written in
 * the intent, it is fixed: zones and AZs take free slots and nothing that exists moves. Left out,
 * it is the grid netseg derived before it could be written (`derived`), so that fleets deployed
 * then keep their subnets; that grid re-cuts every subnet when a count crosses a power of two,
 * which is why it is reported as unpinned and `netseg plan --pin` writes it down.
 */
function resolveGrid(c: Collector, path: string, written: Addressing | undefined, derived: Addressing, azs: number): { grid: Addressing; pinned: boolean } {
  if (!written) return { grid: derived, pinned: false };
  if (!isPowerOfTwo(written.zoneSlots)) c.add(`${path}.zoneSlots`, "must be a power of two of at least 2", written.zoneSlots, "use 4, 8 or 16 (leave free slots for zones added later)");
  if (!isPowerOfTwo(written.azSlots)) c.add(`${path}.azSlots`, "must be a power of two", written.azSlots, "use 2, 4 or 8 (leave free slots for AZs added later)");
  if (azs > written.azSlots) {
    c.add("tenants.availabilityZones", `${azs} availability zones do not fit in ${written.azSlots} AZ slots per zone (${path}.azSlots)`, azs, `use at most ${written.azSlots}, or raise ${path}.azSlots (a power of two), which re-cuts every existing subnet it lays out: plan that as a migration`);
  }
  return { grid: written, pinned: true };
}

/**
 * Every VPC on the transit gateway needs transit subnets, a quarter of a zone subnet: the grid
 * must leave them at /28 or larger. Returns the problem, or undefined when the grid fits.
 */
function gridTooFine(blockPrefix: number, grid: Addressing): { subnet: number; transit: number } | undefined {
  if (!isPowerOfTwo(grid.zoneSlots) || !isPowerOfTwo(grid.azSlots)) return undefined;
  const subnet = blockPrefix + Math.log2(grid.zoneSlots) + Math.log2(grid.azSlots);
  return subnet + 2 > SMALLEST_SUBNET_PREFIX ? { subnet, transit: subnet + 2 } : undefined;
}

const gridText = (g: Addressing) => `${g.zoneSlots} zone slots x ${g.azSlots} AZ slots`;

function resolveSharedServices(c: Collector, s: NonNullable<IntentDocument["tenants"]>["sharedServices"], azs: number): SharedServices {
  const p = "tenants.sharedServices";
  const space = checkCidr(c, `${p}.addressSpace`, s.addressSpace);
  const ports = parsePorts(c, `${p}.ports`, s.ports);
  // Earlier versions cut the shared-services VPC into 2 zone slots (its one zone) and the AZ count.
  const { grid, pinned } = resolveGrid(c, `${p}.addressing`, s.addressing, { zoneSlots: 2, azSlots: powerOfTwoAtLeast(azs) }, azs);
  const docs = s.zones.map((z): ZoneDoc => ({ name: z.name, slot: z.slot, internet: "none", egress: "none", sensitive: false, managed: true, workloads: [] }));
  const zones = resolveZones(c, `${p}.zones`, docs, isPowerOfTwo(grid.zoneSlots) ? grid.zoneSlots - 1 : Number.MAX_SAFE_INTEGER, `${p}.addressing.zoneSlots`);
  s.zones.forEach((z, i) => {
    // The shared-services intent names the tenant pool "tenants" (core/tenants/shared-intent.ts).
    if (z.name === "tenants") c.add(`${p}.zones[${i}].name`, `"tenants" is the shared-services VPC's name for the tenant pool`, z.name, "give the zone another name");
  });
  const tooFine = space && gridTooFine(space.prefix, grid);
  if (space && tooFine) {
    const fix = `use a /${space.prefix - (tooFine.transit - SMALLEST_SUBNET_PREFIX)} or larger addressSpace${pinned ? `, or fewer slots in ${p}.addressing` : ""}`;
    c.add(`${p}.addressSpace`, `${space.text} cut into ${gridText(grid)} gives /${tooFine.subnet} subnets and /${tooFine.transit} transit subnets; the smallest AWS subnet is /${SMALLEST_SUBNET_PREFIX}`, s.addressSpace, fix);
  }
  return { addressSpace: space?.text ?? s.addressSpace, ports, zones, addressing: grid, addressingPinned: pinned };
}

export function resolveTenants(c: Collector, doc: IntentDocument, peers: ReadonlyMap<string, Peer>, space?: Cidr): TenantsIntent | undefined {
  const t = doc.tenants;
  if (!t) return undefined;
  const pool = checkCidr(c, "tenants.pool", t.pool);
  const sharedServices = resolveSharedServices(c, t.sharedServices, t.availabilityZones);
  const shared = parseCidr(sharedServices.addressSpace, { strict: true });
  if (pool && space && cidrsOverlap(pool, space)) c.add("tenants.pool", `overlaps the addressSpace ${space.text}`, t.pool, "take the tenant pool from a range the main network does not use");
  if (pool && !("error" in shared) && cidrsOverlap(pool, shared)) c.add("tenants.sharedServices.addressSpace", `overlaps the tenant pool ${pool.text}`, t.sharedServices.addressSpace, "give shared services a block outside the pool");
  // Earlier versions cut every tenant block into the next power of two above the zone count
  // (one slot reserved) and the AZ count: the grid an intent without tenants.addressing keeps.
  const derived = { zoneSlots: powerOfTwoAtLeast(t.zones.length + 1), azSlots: powerOfTwoAtLeast(t.availabilityZones) };
  const { grid, pinned } = resolveGrid(c, "tenants.addressing", t.addressing, derived, t.availabilityZones);
  const zones = resolveZones(c, "tenants.zones", t.zones, isPowerOfTwo(grid.zoneSlots) ? grid.zoneSlots - 1 : Number.MAX_SAFE_INTEGER, "tenants.addressing.zoneSlots");
  const byName = new Map(zones.map((z) => [z.name, z]));
  const flows = resolveFlows(c, "tenants.flows", t.flows, byName, peers);
  let capacity = 0;
  if (pool) {
    if (t.blockPrefix < pool.prefix) c.add("tenants.blockPrefix", `a tenant block /${t.blockPrefix} is larger than the pool ${pool.text}`, t.blockPrefix, `use a prefix of ${pool.prefix} or more`);
    else capacity = Number(blockCount(pool, t.blockPrefix));
  }
  const names = new Map<string, number>();
  const slots = new Map<number, string>();
  t.members.forEach((m, i) => {
    if (names.has(m.name)) c.add(`tenants.members[${i}].name`, `tenant "${m.name}" is declared twice (also tenants.members[${names.get(m.name)}])`, m.name, "give every tenant a unique name");
    names.set(m.name, i);
    if (m.slot !== undefined) {
      if (pool && m.slot >= capacity) c.add(`tenants.members[${i}].slot`, `slot ${m.slot} is outside the pool, which holds ${capacity} blocks of /${t.blockPrefix} (slots 0-${capacity - 1})`, m.slot, "pick a lower slot or a larger pool");
      else if (slots.has(m.slot)) c.add(`tenants.members[${i}].slot`, `slot ${m.slot} is already taken by tenant "${slots.get(m.slot)}"`, m.slot, "give each tenant its own slot");
      else slots.set(m.slot, m.name);
    }
  });
  if (pool && t.members.length > capacity) {
    c.add("tenants.members", `${t.members.length} tenants do not fit: the pool ${pool.text} holds ${capacity} blocks of /${t.blockPrefix}`, t.members.length, `use a larger pool or a longer blockPrefix (at most ${capacity} tenants fit now)`);
  }
  let next = 0;
  const members = t.members.map((m) => {
    let slot = m.slot;
    if (slot === undefined || (pool && slot >= capacity)) {
      while (slots.has(next)) next++;
      slot = next;
      slots.set(slot, m.name);
    }
    return { name: m.name, slot, slotPinned: m.slot !== undefined && m.slot === slot, tags: m.tags ?? {} };
  });
  if (pool && capacity > 0) {
    const tooFine = gridTooFine(t.blockPrefix, grid);
    if (tooFine) {
      const fix = `use a blockPrefix of ${t.blockPrefix - (tooFine.transit - SMALLEST_SUBNET_PREFIX)} or less${pinned ? ", or fewer slots in tenants.addressing" : ""}`;
      c.add("tenants.blockPrefix", `a /${t.blockPrefix} tenant block cut into ${gridText(grid)} gives /${tooFine.subnet} subnets and /${tooFine.transit} transit subnets; the smallest AWS subnet is /${SMALLEST_SUBNET_PREFIX}`, t.blockPrefix, fix);
    }
    if (!subnetAt(pool, t.blockPrefix, 0)) c.add("tenants.blockPrefix", "does not fit the pool", t.blockPrefix);
  }
  return { pool: pool?.text ?? t.pool, blockPrefix: t.blockPrefix, availabilityZones: t.availabilityZones, addressing: grid, addressingPinned: pinned, zones, flows, sharedServices, members };
}


/** `2026-12-06`, or a date-time with seconds optional, fractions optional and a zone (`Z` or `+01:00`). */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** True for a real calendar date (and time) in ISO 8601's extended form. */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return false;
  if (m[4] === undefined) return true;
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return false;
  if (m[7] !== "Z") {
    const [oh, om] = m[7].slice(1).split(":").map(Number);
    if (oh > 23 || om > 59) return false;
  }
  return true;
}

/**
 * The quarantine entries: each target a managed zone or one of its workloads, named once, with a
 * reason and an ISO date. A zone netseg does not manage has no NACL, firewall identity or
 * namespace of netseg's to lay the deny on, so it is refused rather than left open in silence.
 */
export function resolveQuarantine(c: Collector, doc: IntentDocument, zones: ReadonlyMap<string, Zone>): Quarantine[] {
  const seen = new Map<string, number>();
  return doc.quarantine.flatMap((q, i): Quarantine[] => {
    const p = `quarantine[${i}]`;
    const [zoneName, workload, extra] = q.target.split("/");
    const zone = zones.get(zoneName);
    let ok = true;
    if (!zone || extra !== undefined) {
      const known = [...zones.keys()];
      const guess = closest(zoneName, known);
      c.add(`${p}.target`, `"${q.target}" is not a zone or zone/workload of this intent`, q.target, guess ? `did you mean "${guess}"? Zones: ${known.join(", ")}` : `name a zone declared under zones (${known.join(", ")}), or zone/workload`);
      ok = false;
    } else if (workload !== undefined && !zone.workloads.some((w) => w.name === workload)) {
      const names = zone.workloads.map((w) => w.name);
      const guess = closest(workload, names);
      c.add(`${p}.target`, `zone "${zone.name}" has no workload "${workload}"`, q.target, guess ? `did you mean "${zone.name}/${guess}"?` : names.length ? `name one of ${names.map((n) => `${zone.name}/${n}`).join(", ")}, or the whole zone "${zone.name}"` : `quarantine the whole zone "${zone.name}", or declare the workload under the zone's workloads`);
      ok = false;
    } else if (!zone.managed) {
      c.add(`${p}.target`, `zone "${zone.name}" has managed: false: netseg creates no NACL, firewall identity or namespace policy for it, so it has nothing to lay a quarantine on`, q.target, "isolate it with the tools that manage it, or quarantine the managed zones it talks to");
      ok = false;
    }
    if (!isIsoDate(q.since)) {
      c.add(`${p}.since`, "is not an ISO 8601 date or date-time", q.since, "write the day the quarantine began as 2026-12-06, or a time as 2026-12-06T07:40:00Z");
      ok = false;
    }
    const prior = seen.get(q.target);
    if (prior !== undefined) {
      c.add(`${p}.target`, `"${q.target}" is already quarantined by quarantine[${prior}]`, q.target, "keep one entry per target");
      ok = false;
    } else seen.set(q.target, i);
    if (!ok || !zone) return [];
    return [{ target: q.target, zone: zone.name, ...(workload === undefined ? {} : { workload }), reason: q.reason, since: q.since, dns: q.dns }];
  });
}
