/**
 * AWS VPC flow log records, as AWS documents them: space-separated fields, `-` where a field has
 * no value. Without a header, a line is read in the default (version 2) format:
 * `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start
 * end action log-status`. A custom format is read from its header line (the field names, as AWS
 * writes them first in every S3 log file), or from `fields` given by the caller (a CloudWatch Logs
 * export, which has no header); names may be written `${srcaddr}` as in the flow log's format
 * string. Fields the analysis does not need (vpc-id, subnet-id, tcp-flags, flow-direction,
 * traffic-path...) may appear in any order and are ignored.
 *
 * Addresses: where `pkt-srcaddr` / `pkt-dstaddr` are present and not `-`, they are the packet's
 * real ends and win over `srcaddr` / `dstaddr` (which name the interface's own address for
 * traffic through a NAT gateway, a load balancer or a transit path).
 * NODATA and SKIPDATA records are counted, not analysed.
 */
import { parsePort, parseProtocol, type ReadResult, type RecordOrigin } from "./types";

export const AWS_DEFAULT_FIELDS = ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "log-status"] as const;

/** Field positions one format resolves to (-1: absent). */
interface Layout {
  readonly count: number;
  readonly src: number;
  readonly dst: number;
  readonly pktSrc: number;
  readonly pktDst: number;
  readonly srcport: number;
  readonly dstport: number;
  readonly protocol: number;
  readonly packets: number;
  readonly action: number;
  readonly status: number;
  readonly names: readonly string[];
}

function normaliseName(n: string): string {
  const m = /^\$\{(.+)\}$/.exec(n);
  return (m ? m[1] : n).trim().toLowerCase();
}

/** A layout from field names; throws a sentence when a field the analysis needs is missing. */
export function awsLayout(names: readonly string[]): Layout {
  const list = names.map(normaliseName);
  const at = (n: string) => list.indexOf(n);
  const layout: Layout = {
    count: list.length,
    src: at("srcaddr"),
    dst: at("dstaddr"),
    pktSrc: at("pkt-srcaddr"),
    pktDst: at("pkt-dstaddr"),
    srcport: at("srcport"),
    dstport: at("dstport"),
    protocol: at("protocol"),
    packets: at("packets"),
    action: at("action"),
    status: at("log-status"),
    names: list,
  };
  const missing = [
    layout.src < 0 && layout.pktSrc < 0 ? "srcaddr (or pkt-srcaddr)" : "",
    layout.dst < 0 && layout.pktDst < 0 ? "dstaddr (or pkt-dstaddr)" : "",
    layout.protocol < 0 ? "protocol" : "",
    layout.action < 0 ? "action" : "",
  ].filter(Boolean);
  if (missing.length) throw new Error(`the flow log format (${list.join(" ")}) has no ${missing.join(", ")}; netseg flows needs the addresses, the protocol and the action (ports when the protocol has them): add them to the flow log's format`);
  return layout;
}

const DEFAULT_LAYOUT = awsLayout(AWS_DEFAULT_FIELDS);

/** A header line names the fields; no record has the literal token `srcaddr` (or `pkt-srcaddr`). */
function isHeader(line: string, tokens: readonly string[]): boolean {
  // The substring test first: this runs on every line of million-line logs.
  if (!line.includes("srcaddr")) return false;
  return tokens.some((t) => {
    const n = normaliseName(t);
    return n === "srcaddr" || n === "pkt-srcaddr";
  });
}

function splitFields(line: string): string[] {
  const plain = line.indexOf("  ") < 0 && line.indexOf("\t") < 0 && line.charCodeAt(0) !== 32 && line.charCodeAt(line.length - 1) !== 32;
  return plain ? line.split(" ") : line.trim().split(/\s+/);
}

/**
 * Reads one file's lines in order (a header switches the layout for the lines after it).
 * `read` returns a record, a skip with its reason, `{ header: true }`, or undefined for a blank
 * line. A header without the needed fields throws (the whole file cannot be analysed).
 */
export class AwsFlowLogReader {
  private layout: Layout;

  constructor(
    private readonly file: string,
    fields?: readonly string[],
  ) {
    this.layout = fields ? awsLayout(fields) : DEFAULT_LAYOUT;
  }

  read(line: string, lineNo: number): ReadResult {
    if (line.trim() === "") return undefined;
    const origin: RecordOrigin = { file: this.file, line: lineNo };
    const f = splitFields(line);
    if (isHeader(line, f)) {
      this.layout = awsLayout(f);
      return { header: true };
    }
    const L = this.layout;
    if (f.length !== L.count) {
      const hint = L === DEFAULT_LAYOUT ? "; for a custom format, keep its header line (as AWS writes it to S3) or pass the format's fields (--aws-fields)" : "";
      return { skip: { reason: "unparseable", origin, detail: `${f.length} fields where the format has ${L.count} (${L.names.join(" ")})${hint}` } };
    }
    const status = L.status >= 0 ? f[L.status] : "OK";
    if (status === "NODATA") return { skip: { reason: "no-data", origin, detail: "log-status NODATA" } };
    if (status === "SKIPDATA") return { skip: { reason: "skip-data", origin, detail: "log-status SKIPDATA" } };
    const pick = (pkt: number, plain: number) => (pkt >= 0 && f[pkt] !== "-" ? f[pkt] : plain >= 0 ? f[plain] : "-");
    const srcaddr = pick(L.pktSrc, L.src);
    const dstaddr = pick(L.pktDst, L.dst);
    const action = f[L.action];
    if (srcaddr === "-" || dstaddr === "-" || action === "-") {
      return { skip: { reason: "missing-field", origin, detail: `${srcaddr === "-" ? "srcaddr" : dstaddr === "-" ? "dstaddr" : "action"} is "-" (log-status ${status})` } };
    }
    if (action !== "ACCEPT" && action !== "REJECT") return { skip: { reason: "unknown-action", origin, detail: `action ${JSON.stringify(action)}; expected ACCEPT or REJECT` } };
    const protocol = parseProtocol(f[L.protocol]);
    if (protocol === undefined) return { skip: { reason: "missing-field", origin, detail: 'protocol is "-"' } };
    if (protocol === "bad") return { skip: { reason: "unknown-protocol", origin, detail: `protocol ${JSON.stringify(f[L.protocol])}; expected an IANA protocol number from 0 to 255` } };
    const srcport = L.srcport >= 0 ? parsePort(f[L.srcport]) : undefined;
    const dstport = L.dstport >= 0 ? parsePort(f[L.dstport]) : undefined;
    if (srcport === "bad" || dstport === "bad") return { skip: { reason: "bad-port", origin, detail: `${srcport === "bad" ? `srcport ${JSON.stringify(f[L.srcport])}` : `dstport ${JSON.stringify(f[L.dstport])}`}; expected 0-65535` } };
    const packets = L.packets >= 0 && f[L.packets] !== "-" ? Number(f[L.packets]) || 0 : 0;
    return { record: { srcaddr, dstaddr, srcport, dstport, protocol, action, packets } };
  }
}
