/**
 * Flow-log evidence, as plain data: one record per line or log entry of a flow log (AWS VPC flow
 * logs, GCP VPC flow logs and firewall rule logs), turned into the same shape whatever its
 * source, and what could not be read, with where and why. The readers (one file per format)
 * produce these; the analysis never learns which cloud a record came from.
 */

/** Where a record was read: the file and its line (1-based; for a JSON array, the element's index from 1). */
export interface RecordOrigin {
  readonly file: string;
  readonly line: number;
}

/** One observed flow: addresses as text (IPv4 or IPv6), IANA protocol number, ports where the protocol has them. */
export interface FlowRecord {
  readonly srcaddr: string;
  readonly dstaddr: string;
  /** Undefined when the log gives none (`-`, or a protocol without ports). */
  readonly srcport?: number;
  readonly dstport?: number;
  readonly protocol: number;
  readonly action: "ACCEPT" | "REJECT";
  /** 1 when the log does not count packets (GCP firewall logs). */
  readonly packets: number;
}

/** Why a line or entry was not analysed; the keys are stable (json), the texts say it to a person. */
export const SKIP_REASONS = {
  unparseable: "unparseable (not a flow-log record of a known format)",
  "no-data": "NODATA: no traffic on the interface during the capture window",
  "skip-data": "SKIPDATA: records skipped by AWS during the capture window (capacity or an internal error)",
  "missing-field": "a field the analysis needs is missing (`-` or absent)",
  "unknown-protocol": "the protocol is not an IANA protocol number (0-255)",
  "bad-address": "an address is not an IPv4 or IPv6 address",
  "bad-port": "a port is not a number from 0 to 65535",
  "unknown-action": "the action/disposition is neither accepted nor rejected (e.g. INTERCEPTED)",
  "within-zone": "both ends in the same zone, and the intent declares no flow inside it (the intent governs flows between zones)",
  "tenant-pool": "an end in the tenant pool or shared services (tenants are not attributed to zones by this command yet)",
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;

export interface Skip {
  readonly reason: SkipReason;
  readonly origin: RecordOrigin;
  /** What was wrong, for a person: the field, the value, what is expected. */
  readonly detail: string;
}

export type ReadResult = { readonly record: FlowRecord } | { readonly skip: Skip } | { readonly header: true } | undefined;

/** Unreadable input as a whole (a file that is not there, a broken gzip, a JSON array that does not parse): exit 2. */
export class FlowInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FlowInputError";
  }
}

/** IANA protocol numbers the intent can name; any other is allowed only by an `all` flow. */
export const PROTOCOL_NUMBERS: Readonly<Record<number, "icmp" | "tcp" | "udp" | "sctp">> = { 1: "icmp", 6: "tcp", 17: "udp", 132: "sctp" };

/** A whole number written in at most `maxDigits` decimal digits, or NaN. */
function digits(text: string, maxDigits: number): number {
  if (text.length === 0 || text.length > maxDigits) return NaN;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  return n;
}

export function parsePort(text: string | number | undefined): number | undefined | "bad" {
  if (text === undefined || text === "-" || text === "") return undefined;
  const n = typeof text === "number" ? text : digits(text, 5);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : "bad";
}

export function parseProtocol(text: string | number | undefined): number | undefined | "bad" {
  if (text === undefined || text === "-" || text === "") return undefined;
  const n = typeof text === "number" ? text : digits(text, 3);
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : "bad";
}
