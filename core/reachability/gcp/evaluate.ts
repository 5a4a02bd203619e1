/**
 * GCP VPC firewall reachability. Rules apply to their targets (tags, service accounts, or every
 * instance); they are taken by priority, lowest number first, and at equal priority a deny
 * beats an allow; after them come the implied rules at 65535: allow all egress, deny all
 * ingress. Firewalls are stateful, so a pair needs the source's egress and the target's
 * ingress only. Traffic to or from the internet also needs a route to the default internet
 * gateway for the instance (GCP's default route, or a tagged route when it was deleted).
 * Rules name peers by address ranges that may hold only part of a peer: each peer is judged per
 * address class (../addr-classes), so a deny of part of the internet cuts only that part.
 */
import type { Endpoint, Path, Stage } from "../model";
import type { External, PlatformAnalysis } from "../platform";
import { CidrSet } from "../../net/cidr";
import { AddressIndex } from "../addr-index";
import { AddressSplitter, ClassPath, classLabel, type AddressClass } from "../addr-classes";
import { flat } from "../sweep";
import { blockStage, firstMatchStage, passStage, type Entry } from "../stage";
import { triAnd, triOr, type Tri } from "../values";
import type { AccountRefs, GcpFirewall, GcpModel, GcpZone } from "./model";

const byPriority = (a: GcpFirewall, b: GcpFirewall) => a.priority - b.priority || (a.action === b.action ? 0 : a.action === "deny" ? -1 : 1);

export function analyseGcp(model: GcpModel, externals: readonly External[]): PlatformAnalysis {
  const zones = new Map<string, { ep: Endpoint; zone: GcpZone }>();
  for (const z of [...model.zones.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // An untagged subnetwork (`subnet:<name>`, a ':' no zone name holds) has no zone.
    const ep: Endpoint = z.network
      ? { id: `gcp:${z.name}`, key: z.name, kind: "zone", platform: "gcp", network: z.network, ...(z.ranges && !z.rangesUnknown ? { addresses: z.ranges } : {}) }
      : { id: `gcp:${z.name}`, key: z.name, kind: "zone", platform: "gcp", zone: z.name, ...(z.sensitive ? { sensitive: true } : {}) };
    zones.set(`gcp:${z.name}`, { ep, zone: z });
  }
  const sorted = [...model.firewalls].sort(byPriority);
  const extById = new Map(externals.map((e) => [e.endpoint.id, e]));

  // Index once: which zones a rule targets, and which peer classes (address classes of zones or
  // externals) it names as source or destination; then every rule is filed under (target,
  // direction, peer class) in evaluation order, so a pair reads only its own rules.
  const zoneList = [...zones.values()].map((z) => z.zone);
  const splitter = new AddressSplitter([...sorted.flatMap((f) => [f.sourceRanges, f.destinationRanges]), ...model.routes.filter((r) => r.internet).map((r) => r.dest)]);
  /** Every peer's classes, each with its index in `peerClasses`. */
  const classesOf = new Map<string, { cls: AddressClass; index: number }[]>();
  const peerClasses: AddressClass[] = [];
  const addPeer = (id: string, addresses: CidrSet | undefined) =>
    classesOf.set(id, splitter.classes(addresses).map((cls) => ({ cls, index: peerClasses.push(cls) - 1 })));
  for (const [id, z] of zones) addPeer(id, z.zone.rangesUnknown ? undefined : z.zone.ranges ?? CidrSet.EMPTY);
  for (const e of externals) addPeer(e.endpoint.id, e.addresses);
  const zoneClasses = zoneList.map((z) => classesOf.get(`gcp:${z.name}`)!.map((c) => c.index));
  const addressIndex = new AddressIndex(peerClasses.map((c) => c.cidrs));
  const zonesByTag = new Map<string, number[]>();
  zoneList.forEach((z, i) => z.tags.forEach((t) => zonesByTag.set(t, [...(zonesByTag.get(t) ?? []), i])));
  // Accounts by email, account id and resource, so a rule's accounts find their zones directly.
  const zonesByAccount = new Map<string, number[]>();
  const addAccount = (k: string, i: number) => zonesByAccount.set(k, [...(zonesByAccount.get(k) ?? []), i]);
  zoneList.forEach((z, i) => {
    z.emails.forEach((e) => addAccount(`e:${e}`, i));
    z.accountIds.forEach((a) => addAccount(`a:${a}`, i));
    z.accountUrns.forEach((u) => addAccount(`u:${u}`, i));
  });
  const accountZones = (refs: AccountRefs): Map<number, Tri> => {
    const out = new Map<number, Tri>();
    for (const e of refs.emails) for (const i of [...(zonesByAccount.get(`e:${e}`) ?? []), ...(zonesByAccount.get(`a:${e.split("@")[0]}`) ?? [])]) out.set(i, "yes");
    for (const u of refs.urns) for (const i of zonesByAccount.get(`u:${u}`) ?? []) if (out.get(i) !== "yes") out.set(i, refs.certain ? "yes" : "maybe");
    return out;
  };
  /** [target zone][0 ingress, 1 egress][peer] -> rules in evaluation order */
  const buckets: (Entry[] | undefined)[][][] = zoneList.map(() => [[], []]);
  const file = (zone: number, dir: number, peer: number, e: Entry) => {
    const list = buckets[zone][dir][peer];
    if (list) list.push(e);
    else buckets[zone][dir][peer] = [e];
  };
  const zoneIndex = new Map(zoneList.map((z, i) => [z.name, i]));
  for (const f of sorted) {
    const targetsOf: [number, Tri][] = [];
    if (f.targetTags.length) {
      for (const t of f.targetTags) for (const i of zonesByTag.get(t) ?? []) targetsOf.push([i, "yes"]);
    } else if (f.targetAccounts) {
      targetsOf.push(...accountZones(f.targetAccounts));
    } else {
      zoneList.forEach((_, i) => targetsOf.push([i, "yes"]));
    }
    const inNetwork = targetsOf.filter(([i]) => !f.network || !zoneList[i].networks.size || zoneList[i].networks.has(f.network));
    if (!inNetwork.length) continue;
    const peers = new Map<number, Tri>();
    const add = (i: number, t: Tri) => peers.set(i, triOr(peers.get(i) ?? "no", t));
    const addZone = (z: number, t: Tri) => zoneClasses[z].forEach((i) => add(i, t));
    const ranges = f.direction === "INGRESS" ? f.sourceRanges : f.destinationRanges;
    const anySource = f.direction === "INGRESS" ? f.sourceRanges || f.sourceTags.length || f.sourceAccounts : f.destinationRanges;
    if (!anySource) peerClasses.forEach((_, i) => add(i, "yes"));
    // An address list unknown at preview may name any peer.
    if (f.rangesUnknown) peerClasses.forEach((_, i) => add(i, "maybe"));
    if (ranges && !ranges.isEmpty()) for (const [i, t] of addressIndex.match(ranges)) add(i, t);
    if (f.direction === "INGRESS") {
      for (const t of f.sourceTags) for (const z of zonesByTag.get(t) ?? []) addZone(z, "yes");
      if (f.sourceAccounts) for (const [z, t] of accountZones(f.sourceAccounts)) addZone(z, t);
    }
    const doubt = f.rangesUnknown || !f.certain;
    // One entry object per rule and certainty, shared by every (target, peer) it is filed under.
    const yes: Entry = { rule: f.ref, action: f.action, traffic: f.traffic, match: "yes", ports: flat(f.traffic) };
    const maybe: Entry = { ...yes, match: "maybe" };
    const dir = f.direction === "INGRESS" ? 0 : 1;
    for (const [ti, tt] of inNetwork) {
      for (const [pi, pt] of peers) {
        const match = triAnd(tt, pt);
        if (match !== "no") file(ti, dir, pi, doubt || match === "maybe" ? maybe : yes);
      }
    }
  }

  /** The firewall of `zone` in one direction, for the peer class `other` (index in `peerClasses`). */
  function stage(zone: GcpZone, dir: "INGRESS" | "EGRESS", other: number, otherKey: string): Stage {
    const ingress = dir === "INGRESS";
    const label = `firewall ${ingress ? "ingress to" : "egress from"} ${zone.name}`;
    const implied = { urn: "", resource: "GCP implied rule", rule: ingress ? "deny all ingress, priority 65535" : "allow all egress, priority 65535" };
    const list = buckets[zoneIndex.get(zone.name)!][ingress ? 0 : 1][other] ?? [];
    return firstMatchStage(label, list, { rule: implied, action: ingress ? "deny" : "allow" }, `no firewall rule allows ${ingress ? "ingress to" : "egress from"} ${zone.name} ${ingress ? "from" : "to"} ${otherKey}`);
  }

  function internetRoute(zone: GcpZone, ext: External, cls: AddressClass): Stage | undefined {
    if (ext.endpoint.kind !== "internet") return undefined;
    const label = `route from ${zone.name} to the internet`;
    for (const r of model.routes) {
      if (!r.internet || !r.dest || !r.dest.overlaps(cls.cidrs ?? ext.addresses)) continue;
      if (r.network && zone.networks.size && !zone.networks.has(r.network)) continue;
      if (!r.tags.length || r.tags.some((t) => zone.tags.has(t))) return passStage(label, r.ref);
    }
    if ([...zone.networks].some((n) => model.defaultRoute.has(n)) || zone.networks.size === 0) {
      return passStage(label, { urn: "", resource: "GCP default route", rule: "0.0.0.0/0 via default-internet-gateway" });
    }
    return blockStage(label, `no route to the default internet gateway for ${zone.name} (default routes deleted, no route tagged for it)`);
  }

  return {
    endpoints: [...zones.values()].map((z) => z.ep),
    notes: model.notes ?? [],
    paths(from, to): Path[] | undefined {
      const a = zones.get(from.id);
      const b = zones.get(to.id);
      if (!(a || b) || !classesOf.has(from.id) || !classesOf.has(to.id)) return undefined;
      if (a && b) {
        const shared = !a.zone.networks.size || !b.zone.networks.size || [...a.zone.networks].some((n) => b.zone.networks.has(n));
        if (!shared) return [{ label: `${from.key} -> ${to.key}`, stages: [blockStage("network", `${from.key} and ${to.key} are in different VPC networks`)] }];
      }
      // One path per pair of address classes: the pair reaches where some pair of classes does.
      const paths: Path[] = [];
      for (const { cls: fc, index: fi } of classesOf.get(from.id)!) {
        for (const { cls: tc, index: ti } of classesOf.get(to.id)!) {
          const steps: (() => Stage | undefined)[] = [];
          if (a) steps.push(() => stage(a.zone, "EGRESS", ti, to.key));
          if (b) steps.push(() => stage(b.zone, "INGRESS", fi, from.key));
          if (a && !b) steps.push(() => internetRoute(a.zone, extById.get(to.id)!, tc));
          if (b && !a) steps.push(() => internetRoute(b.zone, extById.get(from.id)!, fc));
          paths.push(new ClassPath(`${from.key} -> ${to.key}`, steps, fc.part || tc.part ? `${classLabel(from.key, fc)} -> ${classLabel(to.key, tc)}` : undefined));
        }
      }
      return paths;
    },
  };
}

