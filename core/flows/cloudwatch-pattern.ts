/**
 * CloudWatch Logs metric filter patterns for rejected VPC flow log records, per zone and
 * direction, in the space-delimited syntax AWS documents for flow logs: one bracketed term per
 * field of the default format, a condition on a field written `field = "value"` with `*` as a
 * wildcard, alternatives joined by `||`. CloudWatch has no CIDR match, so a zone block is written
 * as address wildcards: an octet-aligned block is one (`10.20.*`), any other block the wildcards
 * of its /8, /16 or /24 sub-blocks (a /20 is 16 `10.20.16.*`...), and a block smaller than a /24
 * its exact addresses. A pattern may hold at most 1,024 characters, so the alternatives are cut
 * into as many patterns as needed; they never overlap, so filters feeding one metric count each
 * record once.
 */
import { cidr, formatAddress } from "../net/cidr";

/** The default (version 2) flow log format's fields, as the filter names them. */
export const FLOW_LOG_PATTERN_FIELDS = ["version", "account", "eni", "source", "destination", "srcport", "destport", "protocol", "packets", "bytes", "windowstart", "windowend", "action", "flowlogstatus"] as const;

/** CloudWatch Logs' limit on a filter pattern's length. */
export const FILTER_PATTERN_MAX = 1024;

/** Address wildcards that together match exactly the IPv4 block's addresses. */
export function cidrWildcards(block: string): string[] {
  const c = cidr(block);
  if (c.family !== 4) throw new Error(`${block}: CloudWatch patterns are written here for IPv4 blocks only`);
  if (c.prefix === 0) return ["*"];
  const aligned = Math.ceil(c.prefix / 8) * 8;
  const octets = aligned / 8;
  const out: string[] = [];
  const count = 1 << (aligned - c.prefix);
  const step = 1n << BigInt(32 - aligned);
  for (let i = 0; i < count; i++) {
    const parts = formatAddress(4, c.start + BigInt(i) * step).split(".");
    out.push(octets === 4 ? parts.join(".") : `${parts.slice(0, octets).join(".")}.*`);
  }
  return out;
}

export type PatternDirection = "inbound" | "outbound";

/**
 * The patterns matching REJECT records whose destination (inbound) or source (outbound) lies in
 * `block`; every pattern names every field, so `$packets` can be the metric's value.
 */
export function rejectedPatterns(block: string, direction: PatternDirection, maxLength = FILTER_PATTERN_MAX): string[] {
  const field = direction === "inbound" ? "destination" : "source";
  const render = (alternatives: readonly string[]) =>
    `[${FLOW_LOG_PATTERN_FIELDS.map((f) => (f === field ? alternatives.map((w) => `${f} = "${w}"`).join(" || ") : f === "action" ? `${f} = "REJECT"` : f)).join(", ")}]`;
  const patterns: string[] = [];
  let chunk: string[] = [];
  for (const w of cidrWildcards(block)) {
    if (chunk.length && render([...chunk, w]).length > maxLength) {
      patterns.push(render(chunk));
      chunk = [];
    }
    chunk.push(w);
  }
  if (chunk.length) patterns.push(render(chunk));
  for (const p of patterns) if (p.length > maxLength) throw new Error(`internal: a filter pattern for ${block} needs ${p.length} characters, more than CloudWatch's ${maxLength}`);
  return patterns;
}
