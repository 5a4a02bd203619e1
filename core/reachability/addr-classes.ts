/**
 * Address classes: an endpoint's addresses cut where the platform's rules cut them, so that
 * every rule either holds a whole class or none of it (the equivalence classes of Batfish and
 * np-guard). A rule that names part of an endpoint then decides only that part: a deny of
 * 203.0.113.0/24 before an allow of 0.0.0.0/0 leaves `internet (IPv4, all but 203.0.113.0/24)`
 * allowed instead of the whole internet denied. IPv4 and IPv6 are always separate classes, as
 * filters judge each family on its own. Pieces every rule treats alike stay one class, so an
 * endpoint no rule splits is one class per family.
 */
import { CidrSet, rangeToCidrs, type IpFamily } from "../net/cidr";
import type { Interval, RangeSet } from "../net/range-set";
import { AddressIndex } from "./addr-index";
import { LazyPath, type WalkMemo } from "./stage";

export interface AddressClass {
  /** Undefined when the endpoint's addresses are unknown at preview (then it is one class). */
  readonly cidrs?: CidrSet;
  /** Which part of the endpoint this is, empty for the whole endpoint: `IPv6`, `203.0.113.0/24`, `IPv4, all but 203.0.113.0/24`. */
  readonly part: string;
}

const SHOWN = 3;

function familyOf(set: CidrSet, f: IpFamily): RangeSet<bigint> {
  return f === 4 ? set.v4 : set.v6;
}

function setOf(f: IpFamily, ivs: readonly Interval<bigint>[]): CidrSet {
  return CidrSet.fromCidrs(ivs.flatMap((iv) => rangeToCidrs(f, iv.from, iv.to)));
}

function listed(set: CidrSet): string {
  const cidrs = set.toCidrs().map((c) => c.text);
  return cidrs.length > SHOWN ? `${cidrs.slice(0, SHOWN).join(", ")} and ${cidrs.length - SHOWN} more` : cidrs.join(", ");
}

/** `name` followed by the part in parentheses, or `name` alone for the whole endpoint. */
export function classLabel(name: string, c: AddressClass): string {
  return c.part ? `${name} (${c.part})` : name;
}

export class AddressSplitter {
  private readonly rules: CidrSet[] = [];
  private readonly index: AddressIndex;

  /** `ruleSets`: every address set some rule of the platform matches peers by. */
  constructor(ruleSets: Iterable<CidrSet | undefined>) {
    const seen = new Set<string>();
    for (const s of ruleSets) {
      if (!s || s.isEmpty()) continue;
      const key = `${s.v4.toString()}|${s.v6.toString()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.rules.push(s);
    }
    this.index = new AddressIndex(this.rules);
  }

  /**
   * The classes of an endpoint with these addresses. Addresses unknown at preview are one class
   * that every range "may" match; no addresses at all (a zone without a subnet) one class no range matches.
   */
  classes(addresses: CidrSet | undefined): AddressClass[] {
    if (!addresses) return [{ part: "" }];
    if (addresses.isEmpty()) return [{ cidrs: addresses, part: "" }];
    const families = ([4, 6] as const).filter((f) => !familyOf(addresses, f).isEmpty());
    const out: AddressClass[] = [];
    for (const f of families) {
      const world = f === 4 ? CidrSet.WORLD_V4 : CidrSet.WORLD_V6;
      const whole = addresses.intersect(world);
      const { pieces, partial } = this.split(whole, f);
      const familyName = families.length > 1 ? `IPv${f}` : "";
      if (pieces.length === 1) {
        out.push({ cidrs: whole, part: familyName });
        continue;
      }
      for (const { cidrs, holders } of pieces) out.push({ cidrs, part: this.describe(cidrs, whole, holders, partial, world, familyName) });
    }
    return out;
  }

  /**
   * How the rules treat these addresses, as a text: equal for two address sets every rule
   * treats alike (the same rules hold all of each, and their pieces are held by the same rule
   * sets), so endpoints that differ only in addresses of equal signature get equal answers
   * (workload equivalence classes). Unknown addresses have a signature of their own.
   */
  signature(addresses: CidrSet | undefined): string {
    if (!addresses) return "?";
    const out: string[] = [];
    for (const f of [4, 6] as const) {
      if (familyOf(addresses, f).isEmpty()) continue;
      const whole = addresses.intersect(f === 4 ? CidrSet.WORLD_V4 : CidrSet.WORLD_V6);
      const full = [...this.index.match(whole).keys()].filter((i) => this.rules[i].covers(whole)).sort((a, b) => a - b);
      const { pieces } = this.split(whole, f);
      out.push(`${f}:${full.join(",")}:${pieces.map((p) => p.holders.join(",")).sort().join("|")}`);
    }
    return out.join(";");
  }

  /**
   * A class in words, the shortest of: its own blocks, the endpoint's blocks it lacks (`all but
   * 203.0.113.0/24`), or the rule blocks that cut it out of the endpoint (`all but 0.0.0.0/1`,
   * `0.0.0.0/1 but 0.0.0.0/8`), which may name addresses outside the endpoint.
   */
  private describe(cidrs: CidrSet, whole: CidrSet, holders: readonly number[], partial: ReadonlySet<number>, world: CidrSet, familyName: string): string {
    const inside = holders.reduce((acc, r) => acc.intersect(this.rules[r]), world);
    // The other partial rules reaching into `inside`, merged at once (thousands of /32 denies
    // must not cost a union each).
    const held = new Set(holders);
    const others = [...this.index.match(inside).keys()].filter((r) => partial.has(r) && !held.has(r));
    const cut = CidrSet.fromCidrs(others.flatMap((r) => this.rules[r].toCidrs())).intersect(inside);
    const lacking = whole.subtract(cidrs);
    const all = (text: string) => (familyName ? `${familyName}, all but ${text}` : `all but ${text}`);
    const candidates: [number, () => string][] = [
      [cidrs.toCidrs().length, () => listed(cidrs)],
      [lacking.toCidrs().length, () => all(listed(lacking))],
      holders.length
        ? [inside.toCidrs().length + cut.toCidrs().length, () => (cut.isEmpty() ? listed(inside) : `${listed(inside)} but ${listed(cut)}`)]
        : [cut.toCidrs().length, () => all(listed(cut))],
    ];
    return candidates.reduce((best, c) => (c[0] < best[0] ? c : best))[1]();
  }

  /**
   * One family's addresses cut at the bounds of the rules that hold only part of them, the
   * pieces grouped by the set of rules holding them (a sweep over the bounds).
   */
  private split(whole: CidrSet, f: IpFamily): { pieces: { cidrs: CidrSet; holders: number[] }[]; partial: ReadonlySet<number> } {
    const partial = new Set([...this.index.match(whole).keys()].filter((i) => !this.rules[i].covers(whole)));
    if (!partial.size) return { pieces: [{ cidrs: whole, holders: [] }], partial };
    const events: { at: bigint; rule: number; open: boolean }[] = [];
    for (const r of partial) {
      for (const iv of familyOf(this.rules[r], f).intervals) {
        events.push({ at: iv.from, rule: r, open: true }, { at: iv.to + 1n, rule: r, open: false });
      }
    }
    const own = familyOf(whole, f).intervals;
    const bounds = [...new Set([...events.map((e) => e.at), ...own.flatMap((iv) => [iv.from, iv.to + 1n])])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const active = new Set<number>();
    const groups = new Map<string, { holders: number[]; ivs: Interval<bigint>[] }>();
    let e = 0;
    let o = 0;
    for (let k = 0; k + 1 < bounds.length; k++) {
      const from = bounds[k];
      const to = bounds[k + 1] - 1n;
      while (e < events.length && events[e].at <= from) {
        if (events[e].open) active.add(events[e].rule);
        else active.delete(events[e].rule);
        e++;
      }
      while (o < own.length && own[o].to < from) o++;
      if (o >= own.length || own[o].from > from) continue; // a gap in the endpoint's own addresses
      const holders = [...active].sort((a, b) => a - b);
      const key = holders.join(",");
      const g = groups.get(key);
      const last = g?.ivs[g.ivs.length - 1];
      if (!g) groups.set(key, { holders, ivs: [{ from, to }] });
      else if (last && last.to + 1n === from) g.ivs[g.ivs.length - 1] = { from: last.from, to };
      else g.ivs.push({ from, to });
    }
    return { pieces: [...groups.values()].map((g) => ({ cidrs: setOf(f, g.ivs), holders: g.holders })), partial };
  }
}

/** A path for one pair of address classes of a way (a subnet pairing, a zone pair). */
export class ClassPath extends LazyPath {
  /** `label` names the classes; left out when both are whole endpoints, it is the way's. */
  constructor(
    readonly way: string,
    steps: ConstructorParameters<typeof LazyPath>[1],
    label?: string,
    readonly between?: { readonly key: string; readonly same: boolean },
    memo?: WalkMemo,
  ) {
    super(label ?? way, steps, memo);
  }
}
