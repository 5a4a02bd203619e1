/**
 * GCP flow evidence from Cloud Logging `LogEntry` objects as exported (`gcloud logging read
 * --format=json` writes an array; a log sink to Cloud Storage writes one entry per line):
 *
 * - Firewall Rules Logging: `jsonPayload.connection` (IpConnection: `src_ip`, `src_port`,
 *   `dest_ip`, `dest_port`, `protocol` as an IANA number) and `jsonPayload.disposition`
 *   (`ALLOWED` or `DENIED`; anything else, such as `INTERCEPTED`, is not analysed).
 * - VPC Flow Logs: `jsonPayload.connection` and `jsonPayload.reporter` (SRC, DEST...), no
 *   disposition: VPC flow logs sample traffic that was sent or received, so a record is an
 *   accepted flow (denied traffic shows only in the firewall logs). Both ends may report the
 *   same flow: records are counted as logged.
 *
 * Numbers may come as JSON numbers or, as Cloud Logging renders int64 values, as strings.
 */
import { parsePort, parseProtocol, type ReadResult, type RecordOrigin } from "./types";

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
}

function num(v: unknown): string | number | undefined {
  return typeof v === "number" || typeof v === "string" ? v : undefined;
}

/** One LogEntry (already parsed) to a record or a skip. */
export function readGcpEntry(entry: unknown, origin: RecordOrigin): ReadResult {
  const e = obj(entry);
  const payload = obj(e?.jsonPayload);
  const conn = obj(payload?.connection);
  if (!e || !payload || !conn) {
    return { skip: { reason: "unparseable", origin, detail: "not a Cloud Logging entry with jsonPayload.connection (a firewall rule log or VPC flow log entry)" } };
  }
  let action: "ACCEPT" | "REJECT";
  if (payload.disposition !== undefined) {
    if (payload.disposition === "ALLOWED") action = "ACCEPT";
    else if (payload.disposition === "DENIED") action = "REJECT";
    else return { skip: { reason: "unknown-action", origin, detail: `jsonPayload.disposition ${JSON.stringify(payload.disposition)}; expected ALLOWED or DENIED` } };
  } else if (payload.reporter !== undefined) action = "ACCEPT";
  else return { skip: { reason: "unparseable", origin, detail: "jsonPayload has a connection but neither disposition (firewall rule log) nor reporter (VPC flow log)" } };
  const src = conn.src_ip;
  const dst = conn.dest_ip;
  if (typeof src !== "string" || typeof dst !== "string" || !src || !dst) {
    return { skip: { reason: "missing-field", origin, detail: `jsonPayload.connection.${typeof src !== "string" || !src ? "src_ip" : "dest_ip"} is missing` } };
  }
  const protocol = parseProtocol(num(conn.protocol));
  if (protocol === undefined) return { skip: { reason: "missing-field", origin, detail: "jsonPayload.connection.protocol is missing" } };
  if (protocol === "bad") return { skip: { reason: "unknown-protocol", origin, detail: `jsonPayload.connection.protocol ${JSON.stringify(conn.protocol)}; expected an IANA protocol number from 0 to 255` } };
  const srcport = parsePort(num(conn.src_port));
  const dstport = parsePort(num(conn.dest_port));
  if (srcport === "bad" || dstport === "bad") {
    return { skip: { reason: "bad-port", origin, detail: `jsonPayload.connection.${srcport === "bad" ? `src_port ${JSON.stringify(conn.src_port)}` : `dest_port ${JSON.stringify(conn.dest_port)}`}; expected 0-65535` } };
  }
  const sent = num(payload.packets_sent);
  const packets = sent !== undefined && /^\d+$/.test(String(sent)) ? Number(sent) : 1;
  return { record: { srcaddr: src, dstaddr: dst, srcport, dstport, protocol, action, packets } };
}

/** One line of a file holding an entry per line. */
export function readGcpLine(line: string, origin: RecordOrigin): ReadResult {
  const t = line.trim();
  if (t === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch (err) {
    return { skip: { reason: "unparseable", origin, detail: `not JSON (${(err as Error).message})` } };
  }
  return readGcpEntry(parsed, origin);
}
