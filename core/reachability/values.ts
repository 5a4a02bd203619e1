/**
 * Reading resource properties that may be unknown at preview. Pulumi marks an unknown with a
 * sentinel string per type (CrossGuard's and the engine's are the same strings); a whole array
 * or object can be unknown too. Readers return `UNKNOWN` instead of guessing, so every caller
 * decides explicitly what an unknown means for its rule.
 */
import { BoundedMemo } from "../net/bounded-memo";
import { CidrSet, parseCidr, type Cidr } from "../net/cidr";

/** Pulumi's sentinels for an unknown boolean, number, string, array, asset, archive and object. */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/**
 * The one marker readers return for an unknown. It is the same registered symbol the policy
 * packs' plain-props boundary (core/resources) puts where @pulumi/policy's proxy would throw, so
 * both inputs, raw sentinels from a preview recording and plain props from CrossGuard, read alike.
 */
export const UNKNOWN: unique symbol = Symbol.for("netseg.unknown") as any;
export type Unknown = typeof UNKNOWN;
export type Maybe<T> = T | Unknown;

export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN || (typeof v === "string" && UNKNOWN_SENTINELS.has(v));
}

/** Three-valued answer for "does this rule match": an unknown value makes it "maybe". */
export type Tri = "yes" | "no" | "maybe";

export function triOr(a: Tri, b: Tri): Tri {
  return a === "yes" || b === "yes" ? "yes" : a === "maybe" || b === "maybe" ? "maybe" : "no";
}

export function triAnd(a: Tri, b: Tri): Tri {
  return a === "no" || b === "no" ? "no" : a === "maybe" || b === "maybe" ? "maybe" : "yes";
}

export function str(v: unknown): Maybe<string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (isUnknown(v)) return UNKNOWN;
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

export function num(v: unknown): Maybe<number> | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (isUnknown(v)) return UNKNOWN;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export function bool(v: unknown): Maybe<boolean> | undefined {
  if (v === undefined || v === null) return undefined;
  if (isUnknown(v)) return UNKNOWN;
  return v === true || v === "true";
}

/** An array property: undefined when absent, UNKNOWN when the whole array is unknown. */
export function arr(v: unknown): Maybe<readonly unknown[]> | undefined {
  if (v === undefined || v === null) return undefined;
  if (isUnknown(v)) return UNKNOWN;
  return Array.isArray(v) ? v : undefined;
}

export function rec(v: unknown): Maybe<Readonly<Record<string, unknown>>> | undefined {
  if (v === undefined || v === null) return undefined;
  if (isUnknown(v)) return UNKNOWN;
  return typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** String list; `unknown` tells whether some element (or the whole list) was unknown. */
export function strings(v: unknown): { values: string[]; unknown: boolean } {
  const a = arr(v);
  if (a === UNKNOWN) return { values: [], unknown: true };
  const values: string[] = [];
  let unknown = false;
  for (const x of a ?? []) {
    const s = str(x);
    if (s === UNKNOWN) unknown = true;
    else if (s !== undefined) values.push(s);
  }
  return { values, unknown };
}

/** A block as parsed, with the set holding it alone (sets are immutable: one per text is shared). */
interface Parsed {
  readonly cidr: Cidr;
  readonly set: CidrSet;
}

/** Parsed blocks by their text: stacks repeat the same few CIDRs thousands of times. */
const parsed = new BoundedMemo<Parsed | undefined>(100_000);

function parseOnce(s: string): Parsed | undefined {
  return parsed.get(s, () => {
    const c = parseCidr(s);
    return "error" in c ? undefined : { cidr: c, set: CidrSet.fromCidrs([c]) };
  });
}

/** CIDR list read leniently: malformed blocks are reported through `bad`, unknown ones flagged. */
export function cidrSet(v: readonly unknown[]): { set: CidrSet; unknown: boolean; bad: string[] } {
  const good: Parsed[] = [];
  const bad: string[] = [];
  let unknown = false;
  for (const x of v) {
    const s = str(x);
    if (s === UNKNOWN) unknown = true;
    else if (s !== undefined && s !== "") {
      const c = parseOnce(s);
      if (c) good.push(c);
      else bad.push(s);
    }
  }
  const set = good.length === 0 ? CidrSet.EMPTY : good.length === 1 ? good[0].set : CidrSet.fromCidrs(good.map((g) => g.cidr));
  return { set, unknown, bad };
}

/** Tags/labels as a plain map; unknown values dropped (they cannot name a zone). */
export function labels(v: unknown): Record<string, string> {
  const r = rec(v);
  const out: Record<string, string> = {};
  if (r === UNKNOWN || r === undefined) return out;
  for (const [k, x] of Object.entries(r)) {
    const s = str(x);
    if (typeof s === "string") out[k] = s;
  }
  return out;
}

/** An object property as a plain record; absent and unknown both read as undefined. */
export function plain(v: unknown): Record<string, unknown> | undefined {
  const r = rec(v);
  return r && r !== UNKNOWN ? (r as Record<string, unknown>) : undefined;
}

/** An array property as a list; absent and unknown both read as empty. */
export function list(v: unknown): readonly unknown[] {
  const a = arr(v);
  return a && a !== UNKNOWN ? a : [];
}
