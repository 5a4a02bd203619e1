/**
 * Protocol and port fields of AWS, GCP and Kubernetes rules read into TrafficSets. Each reader
 * returns the traffic known to be matched (a lower bound) and whether that is the whole of it,
 * so an unknown port list beside a known `22` still proves that 22 is open.
 */
import { MAX_PORT, MIN_PORT, TrafficSet, type Protocol } from "../net";
import { UNKNOWN, num, str, strings, type Plain, type Unknown } from "./plain";

export interface KnownTraffic {
  /** Traffic certainly matched. */
  readonly traffic: TrafficSet;
  /** false when an unknown value may add more. */
  readonly complete: boolean;
  /** A protocol outside tcp/udp/icmp (e.g. 50/ESP): matched, but not modelled as ports. */
  readonly otherProtocol?: string;
}

const PROTOCOL_NUMBERS: Record<string, Protocol | "all"> = {
  "-1": "all", all: "all", tcp: "tcp", "6": "tcp", udp: "udp", "17": "udp",
  icmp: "icmp", "1": "icmp", icmpv6: "icmp", "58": "icmp", "ipv6-icmp": "icmp",
};

/** Reads an AWS protocol name or number (`-1`, `tcp`, `6`, `all`...). */
export function awsProtocol(v: Plain): Protocol | "all" | Unknown | { other: string } | undefined {
  const p = str(v);
  if (p === UNKNOWN) return UNKNOWN;
  if (p === undefined) return undefined;
  return PROTOCOL_NUMBERS[p.trim().toLowerCase()] ?? { other: p };
}

function clampPort(n: number): number {
  return Math.min(MAX_PORT, Math.max(MIN_PORT, Math.trunc(n)));
}

/** AWS security-group and NACL rules: protocol plus from/to port (ICMP types are not modelled). */
export function awsTraffic(protocol: Plain, fromPort: Plain, toPort: Plain): KnownTraffic {
  const p = awsProtocol(protocol);
  if (p === UNKNOWN) return { traffic: TrafficSet.EMPTY, complete: false };
  if (p === undefined) return { traffic: TrafficSet.EMPTY, complete: true };
  if (typeof p === "object") return { traffic: TrafficSet.EMPTY, complete: true, otherProtocol: p.other };
  if (p === "all" || p === "icmp") return { traffic: TrafficSet.of(p), complete: true };
  const from = num(fromPort);
  const to = num(toPort);
  if (from === UNKNOWN || to === UNKNOWN) {
    // One known end proves that port only.
    const known = from !== UNKNOWN && from !== undefined ? from : to !== UNKNOWN && to !== undefined ? to : undefined;
    return { traffic: known === undefined ? TrafficSet.EMPTY : TrafficSet.of(p, clampPort(known), clampPort(known)), complete: false };
  }
  // AWS spells "every port" for tcp/udp as -1/-1 or 0/65535, and a missing pair as everything.
  if (from === undefined || to === undefined || from < 0 || to < 0) return { traffic: TrafficSet.of(p), complete: true };
  const a = clampPort(Math.min(from, to));
  const b = clampPort(Math.max(from, to));
  return { traffic: TrafficSet.of(p, a, b), complete: true };
}

/** One GCP `allow`/`deny` block: `{ protocol, ports: ["22", "8000-8100"] }`; no ports means all. */
export function gcpTraffic(protocol: Plain, ports: Plain): KnownTraffic {
  const p = str(protocol);
  if (p === UNKNOWN) return { traffic: TrafficSet.EMPTY, complete: false };
  const proto = p === undefined ? undefined : (PROTOCOL_NUMBERS[p.trim().toLowerCase()] ?? undefined);
  if (proto === undefined) return { traffic: TrafficSet.EMPTY, complete: true, otherProtocol: p };
  if (proto === "all" || proto === "icmp") return { traffic: TrafficSet.of(proto), complete: true };
  const list = strings(ports);
  if (!list.unknown && list.known.length === 0) return { traffic: TrafficSet.of(proto), complete: true };
  let traffic = TrafficSet.EMPTY;
  let complete = !list.unknown;
  for (const spec of list.known) {
    const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5}))?\s*$/.exec(spec);
    if (!m) {
      complete = false;
      continue;
    }
    const a = clampPort(Number(m[1]));
    const b = clampPort(Number(m[2] ?? m[1]));
    traffic = traffic.union(TrafficSet.of(proto, Math.min(a, b), Math.max(a, b)));
  }
  return { traffic, complete };
}

/**
 * One Kubernetes NetworkPolicyPort: protocol defaults to TCP; a named port (string) matches an
 * unknown number, so it is reported as incomplete rather than guessed.
 */
export function k8sPortTraffic(protocol: Plain, port: Plain, endPort: Plain): KnownTraffic {
  const p = str(protocol);
  if (p === UNKNOWN) return { traffic: TrafficSet.EMPTY, complete: false };
  const proto = (p ?? "TCP").toLowerCase();
  if (proto !== "tcp" && proto !== "udp") return { traffic: TrafficSet.EMPTY, complete: true, otherProtocol: p };
  if (port === undefined || port === null) return { traffic: TrafficSet.of(proto), complete: true };
  const n = typeof port === "string" && !/^\d+$/.test(port) ? "named" : num(port);
  if (n === UNKNOWN || n === "named" || n === undefined) return { traffic: TrafficSet.EMPTY, complete: false };
  const end = num(endPort);
  if (end === UNKNOWN) return { traffic: TrafficSet.of(proto, clampPort(n), clampPort(n)), complete: false };
  const to = end === undefined ? n : Math.max(n, end);
  return { traffic: TrafficSet.of(proto, clampPort(n), clampPort(to)), complete: true };
}
