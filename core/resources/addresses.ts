/**
 * CIDR fields read into CidrSets, keeping what is known apart from what is not, so that
 * `["0.0.0.0/0", <unknown>]` is already the internet while `[<unknown>]` proves nothing.
 */
import { CidrSet, parseCidr, type Cidr } from "../net";
import { isUnknown, items, UNKNOWN, str, type Plain } from "./plain";
import { showValue } from "./traffic";

export interface KnownCidrs {
  /** Addresses certainly covered. */
  readonly cidrs: CidrSet;
  /** false when an unknown value may add more. */
  readonly complete: boolean;
  /** Values that are not CIDRs (texts as written, other values spelled out); kept for messages, never guessed at. */
  readonly invalid: readonly string[];
}

export const NO_CIDRS: KnownCidrs = { cidrs: CidrSet.EMPTY, complete: true, invalid: [] };

function fromTexts(texts: readonly string[], unknown: boolean, invalid: string[] = []): KnownCidrs {
  const ok: Cidr[] = [];
  for (const t of texts) {
    const c = parseCidr(t);
    if ("error" in c) invalid.push(t);
    else ok.push(c);
  }
  return { cidrs: CidrSet.fromCidrs(ok), complete: !unknown, invalid };
}

/** A list of CIDR strings (cidrBlocks, sourceRanges, ...); a value that is not a list, or an element that is not a string, is invalid. */
export function cidrList(v: Plain): KnownCidrs {
  if (v !== undefined && v !== null && !isUnknown(v) && !Array.isArray(v)) return fromTexts([], false, [`${showValue(v)} (not a list)`]);
  const l = items(v);
  const texts: string[] = [];
  const invalid: string[] = [];
  let unknown = l.unknown;
  for (const e of l.known) {
    if (isUnknown(e)) unknown = true;
    else if (typeof e === "string") texts.push(e);
    else invalid.push(`${showValue(e)} (not a string)`);
  }
  return fromTexts(texts, unknown, invalid);
}

/** One CIDR string (cidrBlock, cidrIpv4, ipBlock.cidr, ...); absent means none. */
export function cidrOne(v: Plain): KnownCidrs {
  const s = str(v);
  if (s === UNKNOWN) return { cidrs: CidrSet.EMPTY, complete: false, invalid: [] };
  if (typeof v !== "string" && v !== undefined && v !== null) return fromTexts([], false, [`${showValue(v)} (not a string)`]);
  return s === undefined ? NO_CIDRS : fromTexts([s], false);
}

export function mergeCidrs(...parts: readonly KnownCidrs[]): KnownCidrs {
  return {
    cidrs: parts.reduce((acc, p) => acc.union(p.cidrs), CidrSet.EMPTY),
    complete: parts.every((p) => p.complete),
    invalid: parts.flatMap((p) => p.invalid),
  };
}

/** Short text for messages: `0.0.0.0/0, ::/0`. */
export function describeCidrs(c: CidrSet): string {
  return c.toString();
}

/** The message for one entry of `KnownCidrs.invalid`. */
export function invalidCidrProblem(text: string): string {
  return `CIDR ${JSON.stringify(text)} is not an IPv4 or IPv6 CIDR block; write one such as 10.0.0.0/16 or 2001:db8::/32`;
}
