/**
 * Flow records held against the intent. Each record is attributed to endpoints by address
 * (address-book.ts) and judged:
 *
 * 1. Allowed as a request when the intent allows its source endpoint to reach its destination on
 *    its protocol and destination port.
 * 2. Otherwise allowed as a *reply* when the intent allows the reverse flow on the record's
 *    source port and the destination port is a client's ephemeral port (default 1024-65535,
 *    `ephemeralPorts`): flow logs record each direction of a connection, and the server's answer
 *    (`data:5432 -> app:49152`) is the reply of the allowed `app -> data tcp/5432`, not a new flow.
 *    It is counted under the flow's own pair (client -> server), marked as a reply. For ICMP the
 *    reverse flow allowing ICMP is enough. A reply-shaped record that is really a new connection
 *    from source port 5432 would be counted as a reply too: flow logs cannot tell them apart, so
 *    replies are shown separately.
 * 3. Otherwise not allowed.
 *
 * Crossed with the log's action, that gives the four figures per pair: accepted & allowed,
 * accepted & not allowed (an unintended path in use), rejected & allowed (an accidental deny: the
 * false-positive figure) and rejected & not allowed (the segmentation working). Records within
 * one zone are judged only when the intent declares a flow inside that zone; otherwise they
 * are counted as not analysed, as are records touching the tenant pool.
 */
import { EPHEMERAL } from "../net/ports";
import type { Intent } from "../intent/types";
import { AddressBook, type EndpointKind } from "./address-book";
import { AllowedTraffic, type AllowBasis } from "./allowed";
import { PROTOCOL_NUMBERS, SKIP_REASONS, type FlowRecord, type ReadResult, type RecordOrigin, type Skip, type SkipReason } from "./types";

export const VERDICTS = ["acceptedAllowed", "acceptedNotAllowed", "rejectedAllowed", "rejectedNotAllowed"] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface AnalyseOptions {
  /** Client source ports replies return to (default 1024-65535). */
  readonly ephemeralPorts?: { readonly from: number; readonly to: number };
  /** Examples kept per pair and verdict, and per reason not analysed (default 5). */
  readonly examples?: number;
}

export interface TrafficCount {
  /** `tcp/22`, `udp/53`, `icmp`, `proto-47`. */
  readonly traffic: string;
  readonly records: number;
}

export interface PairReport {
  readonly from: string;
  readonly fromKind: EndpointKind;
  readonly to: string;
  readonly toKind: EndpointKind;
  readonly acceptedAllowed: number;
  readonly acceptedNotAllowed: number;
  readonly rejectedAllowed: number;
  readonly rejectedNotAllowed: number;
  /** Of the allowed records, how many were replies of the allowed flow. */
  readonly replies: number;
  /** Of the allowed records, how many only a workload-scoped flow allows (the address does not tell the workload). */
  readonly workloadScoped: number;
  /** Why the allowed records are allowed, by basis, with the flows or allow-lists behind them. */
  readonly allowedBy: readonly { readonly basis: AllowBasis; readonly source: string; readonly records: number }[];
  /** The traffic of the flagged records, most frequent first. */
  readonly acceptedNotAllowedTraffic: readonly TrafficCount[];
  readonly rejectedAllowedTraffic: readonly TrafficCount[];
  /** Where flagged records were read (file:line), a few per verdict. */
  readonly examples: { readonly acceptedNotAllowed: readonly RecordOrigin[]; readonly rejectedAllowed: readonly RecordOrigin[] };
}

export interface ZoneRate {
  readonly zone: string;
  readonly records: number;
  readonly rejected: number;
  /** rejected / records; 0 when no record touched the zone. */
  readonly deniedRate: number;
  /** Rejected records the intent allows (accidental denies). */
  readonly rejectedAllowed: number;
}

export interface NotAnalysed {
  readonly reason: SkipReason;
  readonly text: string;
  readonly count: number;
  readonly examples: readonly { readonly file: string; readonly line: number; readonly detail: string }[];
}

export interface QuarantineNote {
  readonly target: string;
  readonly reason: string;
  readonly since: string;
  /** False for a workload: an address does not tell it from its zone, so its zone is judged as usual. */
  readonly judged: boolean;
}

export interface FlowReport {
  readonly intent: string;
  /** The intent's quarantined targets: records across a quarantined zone's boundary count as not allowed (DNS aside when kept). */
  readonly quarantine: readonly QuarantineNote[];
  readonly inputs: readonly string[];
  readonly totals: { readonly lines: number; readonly analysed: number; readonly notAnalysed: number } & Record<Verdict, number>;
  readonly pairs: readonly PairReport[];
  readonly zones: readonly ZoneRate[];
  readonly notAnalysed: readonly NotAnalysed[];
  readonly ephemeralPorts: { readonly from: number; readonly to: number };
  readonly summary: { readonly exitCode: 0 | 1 | 2; readonly line: string };
}

interface PairAcc {
  counts: Record<Verdict, number>;
  replies: number;
  workloadScoped: number;
  allowedBy: Map<string, { basis: AllowBasis; source: string; records: number }>;
  flaggedTraffic: { acceptedNotAllowed: Map<string, number>; rejectedAllowed: Map<string, number> };
  examples: { acceptedNotAllowed: RecordOrigin[]; rejectedAllowed: RecordOrigin[] };
}

const TRAFFIC_KEYS_KEPT = 200;

function trafficOf(r: FlowRecord): string {
  const name = PROTOCOL_NUMBERS[r.protocol];
  if (!name) return `proto-${r.protocol}`;
  if (name === "icmp") return "icmp";
  return r.dstport === undefined ? name : `${name}/${r.dstport}`;
}

/** Accumulates records one at a time (streaming), then reports. */
export class FlowAnalysis {
  readonly book: AddressBook;
  private readonly allowed: AllowedTraffic;
  private readonly ephemeral: { from: number; to: number };
  private readonly keep: number;
  private readonly pairs = new Map<number, PairAcc>();
  private readonly touched: number[];
  private readonly rejectedTouch: number[];
  private readonly rejectedAllowedTouch: number[];
  private readonly skips = new Map<SkipReason, { count: number; examples: Skip[] }>();
  private lines = 0;
  private readonly inputs: string[] = [];

  constructor(
    private readonly intent: Intent,
    options: AnalyseOptions = {},
  ) {
    this.book = new AddressBook(intent);
    this.allowed = new AllowedTraffic(this.book, intent);
    this.ephemeral = { ...(options.ephemeralPorts ?? EPHEMERAL) };
    this.keep = options.examples ?? 5;
    const n = this.book.endpoints.length;
    this.touched = new Array<number>(n).fill(0);
    this.rejectedTouch = new Array<number>(n).fill(0);
    this.rejectedAllowedTouch = new Array<number>(n).fill(0);
  }

  /** Names an input (for the report). */
  input(name: string): void {
    this.inputs.push(name);
  }

  /** One reader result; headers and blank lines count as lines only. */
  add(result: ReadResult, origin: RecordOrigin): void {
    this.lines++;
    if (!result || "header" in result) return;
    if ("skip" in result) return this.skip(result.skip);
    this.judge(result.record, origin);
  }

  private skip(s: Skip): void {
    const acc = this.skips.get(s.reason) ?? { count: 0, examples: [] };
    acc.count++;
    if (acc.examples.length < this.keep) acc.examples.push(s);
    this.skips.set(s.reason, acc);
  }

  private judge(r: FlowRecord, origin: RecordOrigin): void {
    const book = this.book;
    const si = book.lookup(r.srcaddr);
    const di = book.lookup(r.dstaddr);
    if (si < 0 || di < 0) return this.skip({ reason: "bad-address", origin, detail: `${si < 0 ? `source ${JSON.stringify(r.srcaddr)}` : `destination ${JSON.stringify(r.dstaddr)}`}; expected an IPv4 or IPv6 address` });
    const sk = book.endpoints[si].kind;
    const dk = book.endpoints[di].kind;
    if (sk === "tenants" || dk === "tenants") return this.skip({ reason: "tenant-pool", origin, detail: `${r.srcaddr} -> ${r.dstaddr}` });
    if (si === di && sk === "zone" && !this.allowed.declares(si, si)) return this.skip({ reason: "within-zone", origin, detail: `${r.srcaddr} -> ${r.dstaddr}, both in zone ${book.endpoints[si].name}` });

    let from = si;
    let to = di;
    let reply = false;
    let allowance = this.allowed.find(si, di, r.protocol, r.dstport);
    const name = PROTOCOL_NUMBERS[r.protocol];
    if (!allowance && name && name !== "icmp" && (r.dstport === undefined || r.srcport === undefined)) {
      // Without ports, "not allowed" would be a guess: a port the flow allows, or a reply, cannot be ruled out.
      return this.skip({ reason: "missing-field", origin, detail: `${name} record without ${r.dstport === undefined ? "dstport" : "srcport"} (add srcport and dstport to the flow log's format): the intent allows ${name} between these ends only on some ports, and a reply cannot be told from a new flow` });
    }
    if (!allowance) {
      if (name === "icmp") allowance = this.allowed.find(di, si, r.protocol, undefined);
      else if (name && r.srcport !== undefined && r.dstport !== undefined && r.dstport >= this.ephemeral.from && r.dstport <= this.ephemeral.to) {
        allowance = this.allowed.find(di, si, r.protocol, r.srcport);
      }
      if (allowance) {
        reply = true;
        from = di;
        to = si;
      }
    }
    const accepted = r.action === "ACCEPT";
    const verdict: Verdict = accepted ? (allowance ? "acceptedAllowed" : "acceptedNotAllowed") : allowance ? "rejectedAllowed" : "rejectedNotAllowed";
    const key = from * book.endpoints.length + to;
    let acc = this.pairs.get(key);
    if (!acc) {
      acc = {
        counts: { acceptedAllowed: 0, acceptedNotAllowed: 0, rejectedAllowed: 0, rejectedNotAllowed: 0 },
        replies: 0,
        workloadScoped: 0,
        allowedBy: new Map(),
        flaggedTraffic: { acceptedNotAllowed: new Map(), rejectedAllowed: new Map() },
        examples: { acceptedNotAllowed: [], rejectedAllowed: [] },
      };
      this.pairs.set(key, acc);
    }
    acc.counts[verdict]++;
    if (allowance) {
      if (reply) acc.replies++;
      if (allowance.basis === "workload-flow") acc.workloadScoped++;
      const bk = `${allowance.basis}\0${allowance.source}`;
      const by = acc.allowedBy.get(bk);
      if (by) by.records++;
      else acc.allowedBy.set(bk, { basis: allowance.basis, source: allowance.source, records: 1 });
    }
    if (verdict === "acceptedNotAllowed" || verdict === "rejectedAllowed") {
      const t = reply ? `${trafficOf({ ...r, dstport: r.srcport })} (reply)` : trafficOf(r);
      const m = acc.flaggedTraffic[verdict];
      if (m.has(t) || m.size < TRAFFIC_KEYS_KEPT) m.set(t, (m.get(t) ?? 0) + 1);
      if (acc.examples[verdict].length < this.keep) acc.examples[verdict].push(origin);
    }
    this.touched[si]++;
    if (di !== si) this.touched[di]++;
    if (!accepted) {
      this.rejectedTouch[si]++;
      if (di !== si) this.rejectedTouch[di]++;
      if (allowance) {
        this.rejectedAllowedTouch[si]++;
        if (di !== si) this.rejectedAllowedTouch[di]++;
      }
    }
  }

  report(): FlowReport {
    const eps = this.book.endpoints;
    const n = eps.length;
    const sortTraffic = (m: Map<string, number>): TrafficCount[] => [...m].map(([traffic, records]) => ({ traffic, records })).sort((a, b) => b.records - a.records || (a.traffic < b.traffic ? -1 : 1));
    const pairs: PairReport[] = [...this.pairs]
      .map(([key, a]) => {
        const from = eps[Math.floor(key / n)];
        const to = eps[key % n];
        return {
          from: from.name,
          fromKind: from.kind,
          to: to.name,
          toKind: to.kind,
          ...a.counts,
          replies: a.replies,
          workloadScoped: a.workloadScoped,
          allowedBy: [...a.allowedBy.values()].sort((x, y) => y.records - x.records || (x.source < y.source ? -1 : 1)),
          acceptedNotAllowedTraffic: sortTraffic(a.flaggedTraffic.acceptedNotAllowed),
          rejectedAllowedTraffic: sortTraffic(a.flaggedTraffic.rejectedAllowed),
          examples: a.examples,
        };
      })
      .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
    const zones: ZoneRate[] = eps
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => e.kind === "zone")
      .map(({ e, i }) => ({ zone: e.name, records: this.touched[i], rejected: this.rejectedTouch[i], deniedRate: this.touched[i] ? this.rejectedTouch[i] / this.touched[i] : 0, rejectedAllowed: this.rejectedAllowedTouch[i] }))
      .sort((a, b) => (a.zone < b.zone ? -1 : 1));
    const notAnalysed: NotAnalysed[] = [...this.skips]
      .map(([reason, s]) => ({ reason, text: SKIP_REASONS[reason], count: s.count, examples: s.examples.map((x) => ({ file: x.origin.file, line: x.origin.line, detail: x.detail })) }))
      .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
    const totals = { acceptedAllowed: 0, acceptedNotAllowed: 0, rejectedAllowed: 0, rejectedNotAllowed: 0 };
    for (const p of pairs) for (const v of VERDICTS) totals[v] += p[v];
    const analysed = VERDICTS.reduce((s, v) => s + totals[v], 0);
    const skipped = notAnalysed.reduce((s, x) => s + x.count, 0);
    const flagged = totals.acceptedNotAllowed + totals.rejectedAllowed;
    const exitCode: 0 | 1 | 2 = analysed === 0 ? 2 : flagged ? 1 : 0;
    const line =
      analysed === 0
        ? `netseg flows: ${this.intent.name}: no record could be analysed (${skipped} not analysed): nothing was checked`
        : `netseg flows: ${this.intent.name}: ${analysed} records analysed, ${totals.acceptedNotAllowed} accepted but not allowed, ${totals.rejectedAllowed} rejected but allowed, ${skipped} not analysed`;
    const quarantine = (this.intent.quarantine ?? []).map((q) => ({ target: q.target, reason: q.reason, since: q.since, judged: !q.workload }));
    return { intent: this.intent.name, quarantine, inputs: [...this.inputs], totals: { lines: this.lines, analysed, notAnalysed: skipped, ...totals }, pairs, zones, notAnalysed, ephemeralPorts: { ...this.ephemeral }, summary: { exitCode, line } };
  }
}
