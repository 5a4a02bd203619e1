/**
 * CIDR fields read into CidrSets, keeping what is known apart from what is not, so that
 * `["0.0.0.0/0", <unknown>]` is already the internet while `[<unknown>]` proves nothing.
 */
import { CidrSet, parseCidr, type Cidr } from "../net";
import { UNKNOWN, str, strings, type Plain } from "./plain";

export interface KnownCidrs {
  /** Addresses certainly covered. */
  readonly cidrs: CidrSet;
  /** false when an unknown value may add more. */
  readonly complete: boolean;
  /** Texts that are not CIDRs; kept for messages, never guessed at. */
  readonly invalid: readonly string[];
}

export const NO_CIDRS: KnownCidrs = { cidrs: CidrSet.EMPTY, complete: true, invalid: [] };

function fromTexts(texts: readonly string[], unknown: boolean): KnownCidrs {
  const ok: Cidr[] = [];
  const invalid: string[] = [];
  for (const t of texts) {
    const c = parseCidr(t);
    if ("error" in c) invalid.push(t);
    else ok.push(c);
  }
  return { cidrs: CidrSet.fromCidrs(ok), complete: !unknown, invalid };
}

/** A list of CIDR strings (cidrBlocks, sourceRanges, ...). */
export function cidrList(v: Plain): KnownCidrs {
  const l = strings(v);
  return fromTexts(l.known, l.unknown);
}

/** One CIDR string (cidrBlock, cidrIpv4, ipBlock.cidr, ...); absent means none. */
export function cidrOne(v: Plain): KnownCidrs {
  const s = str(v);
  if (s === UNKNOWN) return { cidrs: CidrSet.EMPTY, complete: false, invalid: [] };
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
