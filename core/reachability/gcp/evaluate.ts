/**
 * GCP VPC firewall reachability. Rules apply to their targets (tags, service accounts, or every
 * instance); they are taken by priority, lowest number first, and at equal priority a deny
 * beats an allow; after them come the implied rules at 65535: allow all egress, deny all
 * ingress. Firewalls are stateful, so a pair needs the source's egress and the target's
 * ingress only. Traffic to or from the internet also needs a route to the default internet
 * gateway for the instance (GCP's default route, or a tagged route when it was deleted).
 */
import type { Endpoint, Path, Stage } from "../model";
import type { External, PlatformAnalysis } from "../platform";
import { CidrSet } from "../../net/cidr";
import { AddressIndex } from "../addr-index";
import { flat } from "../sweep";
import { blockStage, firstMatchStage, LazyPath, passStage, type Entry } from "../stage";
import { triAnd, triOr, type Tri } from "../values";
import type { AccountRefs, GcpFirewall, GcpModel, GcpZone } from "./model";

const byPriority = (a: GcpFirewall, b: GcpFirewall) => a.priority - b.priority || (a.action === b.action ? 0 : a.action === "deny" ? -1 : 1);

export function analyseGcp(model: GcpModel, externals: readonly External[]): PlatformAnalysis {
  const zones = new Map<string, { ep: Endpoint; zone: GcpZone }>();
  for (const z of [...model.zones.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    zones.set(`gcp:${z.name}`, { ep: { id: `gcp:${z.name}`, key: z.name, kind: "zone", platform: "gcp", zone: z.name, ...(z.sensitive ? { sensitive: true } : {}) }, zone: z });
  }
  const sorted = [...model.firewalls].sort(byPriority);
  const extById = new Map(externals.map((e) => [e.endpoint.id, e]));

  // Index once: which zones a rule targets, and which peers (zones or externals) it names as
  // source or destination; then every rule is filed under (target, direction, peer) in
  // evaluation order, so a pair reads only its own rules.
  const zoneList = [...zones.values()].map((z) => z.zone);
  const peerIds = [...zones.keys(), ...externals.map((e) => e.endpoint.id)];
  const addressIndex = new AddressIndex([...zoneList.map((z) => (z.rangesUnknown ? undefined : z.ranges ?? CidrSet.EMPTY)), ...externals.map((e) => e.addresses)]);
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
  const peerIndex = new Map(peerIds.map((id, i) => [id, i]));
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
    const ranges = f.direction === "INGRESS" ? f.sourceRanges : f.destinationRanges;
    const anySource = f.direction === "INGRESS" ? f.sourceRanges || f.sourceTags.length || f.sourceAccounts : f.destinationRanges;
    if (!anySource) peerIds.forEach((_, i) => add(i, "yes"));
    // An address list unknown at preview may name any peer.
    if (f.rangesUnknown) peerIds.forEach((_, i) => add(i, "maybe"));
    if (ranges && !ranges.isEmpty()) for (const [i, t] of addressIndex.match(ranges)) add(i, t);
    if (f.direction === "INGRESS") {
      for (const t of f.sourceTags) for (const i of zonesByTag.get(t) ?? []) add(i, "yes");
      if (f.sourceAccounts) for (const [i, t] of accountZones(f.sourceAccounts)) add(i, t);
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

  function stage(zone: GcpZone, dir: "INGRESS" | "EGRESS", otherId: string, otherKey: string): Stage {
    const ingress = dir === "INGRESS";
    const label = `firewall ${ingress ? "ingress to" : "egress from"} ${zone.name}`;
    const implied = { urn: "", resource: "GCP implied rule", rule: ingress ? "deny all ingress, priority 65535" : "allow all egress, priority 65535" };
    const list = buckets[zoneIndex.get(zone.name)!][ingress ? 0 : 1][peerIndex.get(otherId)!] ?? [];
    return firstMatchStage(label, list, { rule: implied, action: ingress ? "deny" : "allow" }, `no firewall rule allows ${ingress ? "ingress to" : "egress from"} ${zone.name} ${ingress ? "from" : "to"} ${otherKey}`);
  }

  function internetRoute(zone: GcpZone, ext: External): Stage | undefined {
    if (ext.endpoint.kind !== "internet") return undefined;
    const label = `route from ${zone.name} to the internet`;
    for (const r of model.routes) {
      if (!r.internet || !r.dest || !r.dest.overlaps(ext.addresses)) continue;
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
    notes: [],
    paths(from, to): Path[] | undefined {
      const a = zones.get(from.id);
      const b = zones.get(to.id);
      const label = `${from.key} -> ${to.key}`;
      if (a && b) {
        const shared = !a.zone.networks.size || !b.zone.networks.size || [...a.zone.networks].some((n) => b.zone.networks.has(n));
        if (!shared) return [{ label, stages: [blockStage("network", `${from.key} and ${to.key} are in different VPC networks`)] }];
        return [new LazyPath(label, [() => stage(a.zone, "EGRESS", to.id, to.key), () => stage(b.zone, "INGRESS", from.id, from.key)])];
      }
      if (a && extById.has(to.id)) {
        const ext = extById.get(to.id)!;
        const route = internetRoute(a.zone, ext);
        return [new LazyPath(label, [() => stage(a.zone, "EGRESS", to.id, to.key), () => route])];
      }
      if (b && extById.has(from.id)) {
        const ext = extById.get(from.id)!;
        const route = internetRoute(b.zone, ext);
        return [new LazyPath(label, [() => stage(b.zone, "INGRESS", from.id, from.key), () => route])];
      }
      return undefined;
    },
  };
}

