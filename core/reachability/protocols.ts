/**
 * Each platform's spelling of protocols and ports, read into TrafficSets. An unknown protocol
 * or port widens to the whole protocol (or everything) and is flagged, so the caller can treat
 * the rule as a "maybe".
 */
import { MAX_PORT, TrafficSet, type Protocol } from "../net/ports";
import { isUnknown, num, str, UNKNOWN } from "./values";
import { showValue } from "../show-value";

export interface ReadTraffic {
  readonly traffic: TrafficSet;
  /** False when an unknown value made `traffic` an over-estimate. */
  readonly certain: boolean;
  /**
   * A malformed value (its field, the value, what is expected): the provider would reject the
   * rule, so `traffic` is its widest meaning and `certain` false, a "maybe", never a "no".
   */
  readonly problem?: string;
}

// A Map, not an object literal: a protocol spelled "constructor" must not find Object's own members.
const BY_NAME: ReadonlyMap<string, Protocol | "all"> = new Map(Object.entries({
  "-1": "all", all: "all", tcp: "tcp", "6": "tcp", udp: "udp", "17": "udp", icmp: "icmp", "1": "icmp", icmpv6: "icmp", "58": "icmp",
  sctp: "sctp", "132": "sctp",
} as const));

/** Protocols netseg does not model but the clouds accept: other numbers 0-255 and these names. */
const OTHER_NAMES = new Set(["esp", "ah", "ipip", "gre"]);

/** Protocol name or number as AWS, GCP and Kubernetes write it; undefined for ones netseg does not model (esp, gre...). */
export function protocolOf(v: unknown): Protocol | "all" | undefined | typeof UNKNOWN {
  const s = str(v);
  if (s === undefined) return undefined;
  if (s === UNKNOWN) return UNKNOWN;
  return BY_NAME.get(s.trim().toLowerCase());
}


/** A protocol that is neither modelled nor one the clouds accept: its problem, else undefined. */
function protocolProblem(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = str(v);
  if (typeof s === "string" && (OTHER_NAMES.has(s.trim().toLowerCase()) || (/^\d{1,3}$/.test(s.trim()) && Number(s) <= 255))) return undefined;
  return `protocol ${showValue(v)} is not a protocol name or number from 0 to 255`;
}

/** A present, known value that is not a whole number in [min, max]: its problem, else undefined. */
function integerProblem(name: string, v: unknown, min: number, max: number): string | undefined {
  if (v === undefined || v === null || isUnknown(v)) return undefined;
  const n = num(v);
  return typeof n === "number" && Number.isInteger(n) && n >= min && n <= max ? undefined : `${name} ${showValue(v)} is not a whole number from ${min} to ${max}`;
}

function maybe(traffic: TrafficSet, problem: string): ReadTraffic {
  return { traffic, certain: false, problem };
}

/**
 * AWS: `protocol` with `fromPort`/`toPort`; `-1` and protocols other than tcp/udp/icmp ignore the
 * ports, SCTP (132) among them: AWS documents that such a rule matches every port of its protocol.
 */
export function awsTraffic(protocol: unknown, fromPort: unknown, toPort: unknown): ReadTraffic {
  const p = protocolOf(protocol);
  if (p === UNKNOWN) return { traffic: TrafficSet.ALL, certain: false };
  if (p === undefined) {
    const problem = protocolProblem(protocol);
    return problem ? maybe(TrafficSet.ALL, problem) : { traffic: TrafficSet.EMPTY, certain: true };
  }
  if (p === "all" || p === "sctp") return { traffic: TrafficSet.of(p), certain: true };
  if (p === "icmp") {
    const problem = integerProblem("fromPort (ICMP type)", fromPort, -1, 255) ?? integerProblem("toPort (ICMP code)", toPort, -1, 255);
    return problem ? maybe(TrafficSet.of(p), problem) : { traffic: TrafficSet.of(p), certain: true };
  }
  const problem = integerProblem("fromPort", fromPort, 0, MAX_PORT) ?? integerProblem("toPort", toPort, 0, MAX_PORT);
  if (problem) return maybe(TrafficSet.of(p), `${problem} for protocol ${p}`);
  const f = num(fromPort);
  const t = num(toPort);
  if (f === UNKNOWN || t === UNKNOWN) return { traffic: TrafficSet.of(p), certain: false };
  if (f === undefined && t === undefined) return { traffic: TrafficSet.of(p), certain: true };
  const from = f ?? (t as number);
  const to = t ?? from;
  if (from > to) return maybe(TrafficSet.of(p), `fromPort ${from} is above toPort ${to} for protocol ${p}`);
  return { traffic: TrafficSet.of(p, from, to), certain: true };
}

/** GCP: `{ protocol, ports: ["22", "8000-8100"] }`; no ports means every port. tcp, udp and sctp take ports. */
export function gcpTraffic(protocol: unknown, ports: unknown): ReadTraffic {
  const p = protocolOf(protocol);
  if (p === UNKNOWN) return { traffic: TrafficSet.ALL, certain: false };
  if (p === undefined) {
    const problem = protocol === undefined || protocol === null ? "protocol is missing" : protocolProblem(protocol);
    return problem ? maybe(TrafficSet.ALL, problem) : { traffic: TrafficSet.EMPTY, certain: true };
  }
  if (p === "all" || p === "icmp") return { traffic: TrafficSet.of(p), certain: true };
  if (ports === undefined || ports === null) return { traffic: TrafficSet.of(p), certain: true };
  const list = Array.isArray(ports) ? ports : undefined;
  if (!list) return isUnknown(ports) ? { traffic: TrafficSet.of(p), certain: false } : maybe(TrafficSet.of(p), `ports ${showValue(ports)} is not a list`);
  if (list.length === 0) return { traffic: TrafficSet.of(p), certain: true };
  const specs: { protocol: Protocol; from: number; to: number }[] = [];
  let certain = true;
  for (const [i, x] of list.entries()) {
    const s = str(x);
    if (s === UNKNOWN) {
      certain = false;
      specs.push({ protocol: p, from: 0, to: MAX_PORT });
      continue;
    }
    const m = typeof s === "string" ? /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5}))?\s*$/.exec(s) : null;
    const from = m ? Number(m[1]) : NaN;
    const to = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || from > MAX_PORT || to > MAX_PORT || from > to) return maybe(TrafficSet.of(p), `ports[${i}] ${showValue(x)} is not a port or range from 0 to 65535, the lower first`);
    specs.push({ protocol: p, from, to });
  }
  return { traffic: TrafficSet.fromSpecs(specs), certain };
}
