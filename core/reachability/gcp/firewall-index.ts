/**
 * GCP firewall rules filed once by (target, direction, peer address class), so a pair reads only
 * its own rules. Targets are zones (the instances a zone mark names, in general) and workloads
 * (one instance, one managed group); a rule targets them by network tag, by service account or
 * all of them, and names peers by address ranges, by source tags and source accounts. A tag or
 * account unknown at preview "may" match. Rules that name every peer are kept apart per target
 * and merged in priority order when read, so their cost does not grow with the number of peers.
 */
import type { CidrSet } from "../../net/cidr";
import { AddressIndex } from "../addr-index";
import type { AddressClass, AddressSplitter } from "../addr-classes";
import { flat } from "../sweep";
import type { Entry } from "../stage";
import { triAnd, triOr, type Tri } from "../values";
import type { AccountRefs, GcpFirewall, GcpZone } from "./model";
import { emailKeys, type GcpIdentity, type GcpWorkload } from "./workloads";

const DEFAULT_COMPUTE = /-compute@developer\.gserviceaccount\.com$/;

/** Something firewall rules target: a zone or a workload. */
export interface Target {
  readonly zone?: GcpZone;
  readonly workload?: GcpWorkload;
  readonly networks: ReadonlySet<string>;
}

/** Whether a rule's account list names a workload's account. */
export function accountTargets(refs: AccountRefs, id: GcpIdentity): Tri {
  if (refs.emails.some((e) => emailKeys(e).some((k) => id.keys.has(k)))) return "yes";
  let t: Tri = "no";
  if ((refs.urnKeys ?? []).some((k) => id.keys.has(k))) t = refs.certain ? "yes" : "maybe";
  // An element unknown at preview and not pinned to one account may be anyone's.
  if (!refs.certain) t = triOr(t, "maybe");
  if (id.unknown || (id.defaultCompute && refs.emails.some((e) => DEFAULT_COMPUTE.test(e)))) t = triOr(t, "maybe");
  return t;
}

export function tagTargets(tags: readonly string[], w: GcpWorkload): Tri {
  if (tags.some((t) => w.tags.has(t))) return "yes";
  return w.tagsUnknown ? "maybe" : "no";
}

type Seq = readonly [number, Entry];

export class FirewallIndex {
  /** [target][0 ingress, 1 egress][peer class] -> (order, rule) */
  private readonly byPeer: Map<number, Seq[]>[][];
  /** [target][dir] -> rules naming every peer class */
  private readonly anyPeer: Seq[][][];
  private readonly addressIndex: AddressIndex;

  constructor(
    private readonly targets: readonly Target[],
    /**
     * Each target's peer class indices (into `peerClasses`) that rules naming sources by tag or
     * account match: a zone's all, a workload's primary addresses' (not its alias ranges).
     */
    targetClasses: readonly (readonly number[])[],
    private readonly peerClasses: readonly AddressClass[],
    sorted: readonly GcpFirewall[],
    zoneAccounts: (refs: AccountRefs) => Map<number, Tri>,
  ) {
    this.byPeer = targets.map(() => [new Map(), new Map()]);
    this.listIds = targets.map(() => [new Map(), new Map()]);
    this.peerLists = targets.map(() => [new Map(), new Map()]);
    this.anyPeer = targets.map(() => [[], []]);
    this.addressIndex = new AddressIndex(peerClasses.map((c) => c.cidrs));
    const byTag = new Map<string, number[]>();
    const push = (k: string, i: number) => byTag.set(k, [...(byTag.get(k) ?? []), i]);
    targets.forEach((t, i) => (t.zone ? t.zone.tags : t.workload!.tags).forEach((tag) => push(tag, i)));
    const vagueTags = targets.flatMap((t, i) => (t.workload?.tagsUnknown ? [i] : []));
    const workloads = targets.flatMap((t, i) => (t.workload ? [[i, t.workload] as const] : []));
    const byTags = (tags: readonly string[]): Map<number, Tri> => {
      const out = new Map<number, Tri>();
      for (const t of tags) for (const i of byTag.get(t) ?? []) out.set(i, "yes");
      for (const i of vagueTags) if (!out.has(i)) out.set(i, "maybe");
      return out;
    };
    const byAccounts = (refs: AccountRefs): Map<number, Tri> => {
      const out = zoneAccounts(refs);
      for (const [i, w] of workloads) {
        const m = accountTargets(refs, w.identity);
        if (m !== "no") out.set(i, m);
      }
      return out;
    };
    sorted.forEach((f, seq) => {
      const targetsOf: [number, Tri][] = f.targetTags.length ? [...byTags(f.targetTags)] : f.targetAccounts ? [...byAccounts(f.targetAccounts)] : targets.map((_, i) => [i, "yes"]);
      const inNetwork = targetsOf.filter(([i]) => !f.network || !targets[i].networks.size || targets[i].networks.has(f.network));
      if (!inNetwork.length) return;
      const ingress = f.direction === "INGRESS";
      const ranges = ingress ? f.sourceRanges : f.destinationRanges;
      const namesAll = !(ingress ? f.sourceRanges || f.sourceTags.length || f.sourceAccounts : f.destinationRanges);
      const doubt = f.rangesUnknown || !f.certain;
      const yes: Entry = { rule: f.ref, action: f.action, traffic: f.traffic, match: "yes", ports: flat(f.traffic) };
      const maybe: Entry = { ...yes, match: "maybe" };
      const dir = ingress ? 0 : 1;
      // Every peer (an unknown address list may name any): kept per target, not per peer.
      const all: Tri | undefined = namesAll ? "yes" : f.rangesUnknown ? "maybe" : undefined;
      const peers = new Map<number, Tri>();
      if (!all) {
        const add = (i: number, t: Tri) => peers.set(i, triOr(peers.get(i) ?? "no", t));
        if (ranges && !ranges.isEmpty()) for (const [i, t] of this.addressIndex.match(ranges)) add(i, t);
        if (ingress) {
          const sources = new Map<number, Tri>();
          if (f.sourceTags.length) for (const [i, t] of byTags(f.sourceTags)) sources.set(i, t);
          if (f.sourceAccounts) for (const [i, t] of byAccounts(f.sourceAccounts)) sources.set(i, triOr(sources.get(i) ?? "no", t));
          for (const [i, t] of sources) for (const c of targetClasses[i]) add(c, t);
        }
      }
      for (const [ti, tt] of inNetwork) {
        if (all) this.anyPeer[ti][dir].push([seq, doubt || triAnd(tt, all) === "maybe" ? maybe : yes]);
        if (all) continue;
        for (const [pi, pt] of peers) {
          const match = triAnd(tt, pt);
          if (match === "no") continue;
          const list = this.byPeer[ti][dir].get(pi);
          const e: Seq = [seq, doubt || match === "maybe" ? maybe : yes];
          if (list) list.push(e);
          else this.byPeer[ti][dir].set(pi, [e]);
        }
      }
    });
  }

  /** [target][dir]: a peer's rule list -> its number, equal for peers whose lists are equal. */
  private readonly listIds: Map<string, number>[][];
  /** [target][dir]: peer class -> the number of its list. */
  private readonly peerLists: Map<number, number>[][];

  /**
   * Which rule list `rules` returns: -1 for the target's rules for every peer, else a number
   * shared by every peer class whose own rules are the same (the sources a rule names by tag,
   * say), so a stage made for one serves them all.
   */
  listOf(target: number, ingress: boolean, peer: number): number {
    const dir = ingress ? 0 : 1;
    const own = this.byPeer[target][dir].get(peer);
    if (!own) return -1;
    const known = this.peerLists[target][dir].get(peer);
    if (known !== undefined) return known;
    const key = own.map(([seq, e]) => `${seq}${e.match === "yes" ? "" : "?"}`).join(",");
    const ids = this.listIds[target][dir];
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    this.peerLists[target][dir].set(peer, id);
    return id;
  }

  /** The rules of `target` in one direction for peer class `peer`, in evaluation order. */
  rules(target: number, ingress: boolean, peer: number): Entry[] {
    const a = this.anyPeer[target][ingress ? 0 : 1];
    const b = this.byPeer[target][ingress ? 0 : 1].get(peer) ?? [];
    if (!b.length) return a.map((x) => x[1]);
    if (!a.length) return b.map((x) => x[1]);
    const out: Entry[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && a[i][0] <= b[j][0])) out.push(a[i++][1]);
      else out.push(b[j++][1]);
    }
    return out;
  }
}

/** A target's address classes, and whether its address within them is GCP's pick (see ./workloads). */
export function classesOfWorkload(splitter: AddressSplitter, w: GcpWorkload): { classes: AddressClass[]; vague: (c: AddressClass) => boolean } {
  if (w.addressesUnknown) return { classes: splitter.classes(undefined), vague: () => false };
  const all: CidrSet = w.fixed.union(w.somewhere);
  // Primary addresses and alias ranges apart: rules naming sources by tag or account match only the former.
  const alias = all.subtract(w.primary);
  const classes =
    alias.isEmpty() || w.primary.isEmpty()
      ? splitter.classes(all)
      : [
          ...splitter.classes(w.primary).map((c) => ({ ...c, part: c.part ? `primary address, ${c.part}` : "primary address" })),
          ...splitter.classes(alias).map((c) => ({ ...c, part: c.part ? `alias ranges, ${c.part}` : "alias ranges" })),
        ];
  const touching = classes.filter((c) => c.cidrs?.overlaps(w.somewhere));
  // One instance (or a group's few) sits somewhere in the range: if rules cut the range, which
  // side it lands on is unknown until GCP picks.
  return { classes, vague: touching.length > 1 ? (c) => !!c.cidrs?.overlaps(w.somewhere) && !c.cidrs.subtract(w.fixed).isEmpty() : () => false };
}
