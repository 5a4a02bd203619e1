/**
 * Sets of integers kept as sorted, disjoint, non-adjacent inclusive intervals.
 *
 * Ports, IPv4 addresses (as numbers) and IPv6 addresses (as bigints) are all judged as ranges,
 * never enumerated and never compared as strings: two /1 halves are the whole internet, and
 * tcp/0-65535 is "all ports" however it was spelled.
 */
export interface Interval<T extends number | bigint> {
  readonly from: T;
  readonly to: T;
}

type Num = number | bigint;

function succ<T extends Num>(x: T): T {
  return (typeof x === "bigint" ? x + 1n : (x as number) + 1) as T;
}

function pred<T extends Num>(x: T): T {
  return (typeof x === "bigint" ? x - 1n : (x as number) - 1) as T;
}

function maxOf<T extends Num>(a: T, b: T): T {
  return a > b ? a : b;
}

function minOf<T extends Num>(a: T, b: T): T {
  return a < b ? a : b;
}

export class RangeSet<T extends Num> {
  /** Sorted, disjoint and non-adjacent. */
  readonly intervals: readonly Interval<T>[];

  private constructor(intervals: Interval<T>[]) {
    this.intervals = intervals;
  }

  static empty<T extends Num>(): RangeSet<T> {
    return new RangeSet<T>([]);
  }

  static of<T extends Num>(from: T, to: T): RangeSet<T> {
    if (from > to) throw new RangeError(`interval ${from}-${to} is reversed`);
    return new RangeSet<T>([{ from, to }]);
  }

  /** Normalises any list of intervals (unsorted, overlapping, adjacent). */
  static from<T extends Num>(intervals: Iterable<Interval<T>>): RangeSet<T> {
    const sorted = [...intervals].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    const out: Interval<T>[] = [];
    for (const iv of sorted) {
      if (iv.from > iv.to) throw new RangeError(`interval ${iv.from}-${iv.to} is reversed`);
      const last = out[out.length - 1];
      if (last && iv.from <= succ(last.to)) {
        if (iv.to > last.to) out[out.length - 1] = { from: last.from, to: iv.to };
      } else {
        out.push({ from: iv.from, to: iv.to });
      }
    }
    return new RangeSet<T>(out);
  }

  isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  has(x: T): boolean {
    let lo = 0;
    let hi = this.intervals.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const iv = this.intervals[mid];
      if (x < iv.from) hi = mid - 1;
      else if (x > iv.to) lo = mid + 1;
      else return true;
    }
    return false;
  }

  union(other: RangeSet<T>): RangeSet<T> {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return RangeSet.from([...this.intervals, ...other.intervals]);
  }

  intersect(other: RangeSet<T>): RangeSet<T> {
    const out: Interval<T>[] = [];
    let i = 0;
    let j = 0;
    while (i < this.intervals.length && j < other.intervals.length) {
      const a = this.intervals[i];
      const b = other.intervals[j];
      const from = maxOf(a.from, b.from);
      const to = minOf(a.to, b.to);
      if (from <= to) out.push({ from, to });
      if (a.to < b.to) i++;
      else j++;
    }
    return new RangeSet<T>(out);
  }

  subtract(other: RangeSet<T>): RangeSet<T> {
    if (other.isEmpty() || this.isEmpty()) return this;
    const out: Interval<T>[] = [];
    let j = 0;
    for (const a of this.intervals) {
      let from = a.from;
      const to = a.to;
      while (j < other.intervals.length && other.intervals[j].to < from) j++;
      let k = j;
      while (k < other.intervals.length && other.intervals[k].from <= to) {
        const b = other.intervals[k];
        if (b.from > from) out.push({ from, to: pred(b.from) });
        if (b.to >= to) {
          from = succ(to);
          break;
        }
        from = succ(b.to);
        k++;
      }
      if (from <= to) out.push({ from, to });
    }
    return new RangeSet<T>(out);
  }

  /** True when every member of `other` is in this set. */
  covers(other: RangeSet<T>): boolean {
    return other.subtract(this).isEmpty();
  }

  /** Whether the sets share a member; walks both lists without building their intersection. */
  overlaps(other: RangeSet<T>): boolean {
    let i = 0;
    let j = 0;
    while (i < this.intervals.length && j < other.intervals.length) {
      const a = this.intervals[i];
      const b = other.intervals[j];
      if (a.from <= b.to && b.from <= a.to) return true;
      if (a.to < b.to) i++;
      else j++;
    }
    return false;
  }

  equals(other: RangeSet<T>): boolean {
    if (this.intervals.length !== other.intervals.length) return false;
    return this.intervals.every((iv, i) => iv.from === other.intervals[i].from && iv.to === other.intervals[i].to);
  }

  /** Number of members (bigint so that IPv6 sizes stay exact). */
  size(): bigint {
    let n = 0n;
    for (const iv of this.intervals) n += BigInt(iv.to) - BigInt(iv.from) + 1n;
    return n;
  }

  toString(): string {
    return this.intervals.map((iv) => (iv.from === iv.to ? `${iv.from}` : `${iv.from}-${iv.to}`)).join(",");
  }
}
