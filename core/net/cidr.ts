/**
 * CIDR blocks parsed once (with ip-address) into integer ranges, and CIDR sets judged as
 * ranges: `0.0.0.0/1` plus `128.0.0.0/1` is the whole IPv4 internet, `::/0` the IPv6 one.
 */
import { Address4, Address6 } from "ip-address";
import { RangeSet } from "./range-set";

export type IpFamily = 4 | 6;

export interface Cidr {
  readonly family: IpFamily;
  /** First address, as a bigint for both families. */
  readonly start: bigint;
  readonly end: bigint;
  readonly prefix: number;
  /** Canonical text, host bits cleared. */
  readonly text: string;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

function familyOf(text: string): IpFamily | undefined {
  const addr = text.split("/")[0];
  if (Address4.isValid(addr)) return 4;
  if (Address6.isValid(addr)) return 6;
  return undefined;
}

/**
 * Parses a CIDR, or a bare address as a host route. With `strict`, host bits must be clear:
 * `10.0.0.1/16` is almost always a typo in an intent, so it is refused with the canonical form.
 */
export function parseCidr(text: string, opts: { strict?: boolean } = {}): Cidr | { error: string } {
  const raw = String(text).trim();
  const family = familyOf(raw);
  if (!family) return { error: `"${text}" is not an IPv4 or IPv6 address or CIDR block (e.g. 10.0.0.0/16)` };
  const bits = BITS[family];
  const parts = raw.split("/");
  if (parts.length > 2) return { error: `"${text}" has more than one "/"; write one CIDR block such as 10.0.0.0/16` };
  const [addrPart, prefixPart] = parts;
  if (prefixPart !== undefined && !/^\d{1,3}$/.test(prefixPart)) {
    return { error: `"${text}": the prefix length must be a number from 0 to ${bits}` };
  }
  const prefix = prefixPart === undefined ? bits : Number(prefixPart);
  if (prefix > bits) return { error: `"${text}": the prefix length must be at most ${bits} for IPv${family}` };
  const addr = family === 4 ? new Address4(addrPart) : new Address6(addrPart);
  const value = addr.bigInt();
  const size = 1n << BigInt(bits - prefix);
  const start = value - (value % size);
  const canonical = `${formatAddress(family, start)}/${prefix}`;
  if (opts.strict && start !== value) {
    return { error: `"${text}" has host bits set; the block it names is ${canonical}` };
  }
  return { family, start, end: start + size - 1n, prefix, text: canonical };
}

/** Like parseCidr, but throws: for values already validated. */
export function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if ("error" in c) throw new Error(c.error);
  return c;
}

export function formatAddress(family: IpFamily, value: bigint): string {
  return family === 4 ? Address4.fromBigInt(value).address : Address6.fromBigInt(value).correctForm();
}

/** The `index`-th block of `prefix` length inside `parent`, or undefined when it does not fit. */
export function subnetAt(parent: Cidr, prefix: number, index: number): Cidr | undefined {
  if (prefix < parent.prefix || prefix > BITS[parent.family] || index < 0) return undefined;
  const size = 1n << BigInt(BITS[parent.family] - prefix);
  const start = parent.start + size * BigInt(index);
  if (start + size - 1n > parent.end) return undefined;
  return { family: parent.family, start, end: start + size - 1n, prefix, text: `${formatAddress(parent.family, start)}/${prefix}` };
}

/** How many blocks of `prefix` length fit in `parent`. */
export function blockCount(parent: Cidr, prefix: number): bigint {
  if (prefix < parent.prefix) return 0n;
  return 1n << BigInt(prefix - parent.prefix);
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.start <= inner.start && inner.end <= outer.end;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

/** Minimal list of CIDR blocks covering exactly [start, end]. */
export function rangeToCidrs(family: IpFamily, start: bigint, end: bigint): Cidr[] {
  const bits = BITS[family];
  const out: Cidr[] = [];
  let cur = start;
  while (cur <= end) {
    let size = 1n;
    let prefix = bits;
    while (prefix > 0) {
      const next = size << 1n;
      if (cur % next !== 0n || cur + next - 1n > end) break;
      size = next;
      prefix--;
    }
    out.push({ family, start: cur, end: cur + size - 1n, prefix, text: `${formatAddress(family, cur)}/${prefix}` });
    cur += size;
  }
  return out;
}

/** A set of addresses over both families, compared by range. */
export class CidrSet {
  private constructor(
    readonly v4: RangeSet<bigint>,
    readonly v6: RangeSet<bigint>,
  ) {}

  static readonly EMPTY = new CidrSet(RangeSet.empty(), RangeSet.empty());
  static readonly WORLD = CidrSet.fromCidrs(["0.0.0.0/0", "::/0"]);
  static readonly WORLD_V4 = CidrSet.fromCidrs(["0.0.0.0/0"]);
  static readonly WORLD_V6 = CidrSet.fromCidrs(["::/0"]);
  /** RFC 1918 private IPv4, plus IPv6 unique-local. */
  static readonly PRIVATE = CidrSet.fromCidrs(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]);

  /** Throws on a malformed block; use parseCidr first where input is untrusted. */
  static fromCidrs(blocks: Iterable<string | Cidr>): CidrSet {
    const v4: { from: bigint; to: bigint }[] = [];
    const v6: { from: bigint; to: bigint }[] = [];
    for (const b of blocks) {
      const c = typeof b === "string" ? cidr(b) : b;
      (c.family === 4 ? v4 : v6).push({ from: c.start, to: c.end });
    }
    return new CidrSet(RangeSet.from(v4), RangeSet.from(v6));
  }

  union(o: CidrSet): CidrSet {
    return new CidrSet(this.v4.union(o.v4), this.v6.union(o.v6));
  }

  intersect(o: CidrSet): CidrSet {
    return new CidrSet(this.v4.intersect(o.v4), this.v6.intersect(o.v6));
  }

  subtract(o: CidrSet): CidrSet {
    return new CidrSet(this.v4.subtract(o.v4), this.v6.subtract(o.v6));
  }

  isEmpty(): boolean {
    return this.v4.isEmpty() && this.v6.isEmpty();
  }

  covers(o: CidrSet): boolean {
    return this.v4.covers(o.v4) && this.v6.covers(o.v6);
  }

  overlaps(o: CidrSet): boolean {
    return this.v4.overlaps(o.v4) || this.v6.overlaps(o.v6);
  }

  equals(o: CidrSet): boolean {
    return this.v4.equals(o.v4) && this.v6.equals(o.v6);
  }

  has(address: string): boolean {
    const c = cidr(address);
    return (c.family === 4 ? this.v4 : this.v6).has(c.start);
  }

  /** The whole IPv4 or the whole IPv6 internet is in this set. */
  isWorld(): boolean {
    return this.v4.covers(CidrSet.WORLD_V4.v4) || this.v6.covers(CidrSet.WORLD_V6.v6);
  }

  /** The public (non-private, routable) addresses of this set. */
  publicPart(): CidrSet {
    return this.subtract(CidrSet.PRIVATE).subtract(CidrSet.NON_PUBLIC);
  }

  /** Some public (non-private, routable) address is in this set. */
  reachesPublic(): boolean {
    return !this.publicPart().isEmpty();
  }

  /** Special-use space that is never the internet (loopback, link-local, multicast...). */
  static readonly NON_PUBLIC = CidrSet.fromCidrs([
    "0.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3",
    "::/128", "::1/128", "fe80::/10", "ff00::/8",
  ]);

  /** Minimal CIDR list, IPv4 first: adjacent blocks merged. */
  toCidrs(): Cidr[] {
    return [
      ...this.v4.intervals.flatMap((iv) => rangeToCidrs(4, iv.from, iv.to)),
      ...this.v6.intervals.flatMap((iv) => rangeToCidrs(6, iv.from, iv.to)),
    ];
  }

  toString(): string {
    return this.isEmpty() ? "nothing" : this.toCidrs().map((c) => c.text).join(", ");
  }
}
