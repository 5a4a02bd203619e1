/**
 * Which endpoints a CIDR rule touches, without testing every rule against every endpoint.
 * Endpoint address blocks (zones' subnets) are mostly disjoint, so they are kept sorted with a
 * running maximum of their ends; a query walks back from the last block starting inside the
 * rule's range and stops as soon as no earlier block can reach it. Endpoints whose addresses
 * are unknown at preview answer every query with "maybe".
 */
import type { CidrSet } from "../net/cidr";
import type { Tri } from "./values";

interface Slot {
  readonly from: bigint;
  readonly to: bigint;
  readonly item: number;
}

class FamilyIndex {
  private readonly slots: Slot[];
  private readonly maxTo: bigint[];

  constructor(slots: Slot[]) {
    this.slots = slots.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    this.maxTo = [];
    let m = -1n;
    for (const s of this.slots) {
      if (s.to > m) m = s.to;
      this.maxTo.push(m);
    }
  }

  /** Items with a block overlapping [from, to]. */
  overlapping(from: bigint, to: bigint, out: Set<number>): void {
    let lo = 0;
    let hi = this.slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.slots[mid].from <= to) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && this.maxTo[i] >= from; i--) {
      if (this.slots[i].to >= from) out.add(this.slots[i].item);
    }
  }
}

export class AddressIndex {
  private readonly v4: FamilyIndex;
  private readonly v6: FamilyIndex;
  private readonly unknown: number[] = [];

  /** `sets[i]` is item i's addresses, or undefined when unknown. */
  constructor(private readonly sets: readonly (CidrSet | undefined)[]) {
    const s4: Slot[] = [];
    const s6: Slot[] = [];
    sets.forEach((set, item) => {
      if (!set) {
        this.unknown.push(item);
        return;
      }
      for (const iv of set.v4.intervals) s4.push({ from: iv.from, to: iv.to, item });
      for (const iv of set.v6.intervals) s6.push({ from: iv.from, to: iv.to, item });
    });
    this.v4 = new FamilyIndex(s4);
    this.v6 = new FamilyIndex(s6);
  }

  /**
   * Items the rule's addresses touch: "yes" on overlap (some address pair matches), "maybe" for
   * items of unknown address; with `whole`, only items entirely inside count (for denies).
   */
  match(rule: CidrSet, whole = false): Map<number, Tri> {
    const hits = new Set<number>();
    for (const iv of rule.v4.intervals) this.v4.overlapping(iv.from, iv.to, hits);
    for (const iv of rule.v6.intervals) this.v6.overlapping(iv.from, iv.to, hits);
    const out = new Map<number, Tri>();
    for (const i of hits) if (!whole || rule.covers(this.sets[i]!)) out.set(i, "yes");
    if (!rule.isEmpty()) for (const i of this.unknown) out.set(i, "maybe");
    return out;
  }
}
