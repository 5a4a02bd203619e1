/**
 * Protocol and port fields of AWS, GCP and Kubernetes rules read into TrafficSets. Each reader
 * returns the traffic known to be matched (a lower bound) and whether that is the whole of it,
 * so an unknown port list beside a known `22` still proves that 22 is open.
 */
import { MAX_PORT, MIN_PORT, TrafficSet, type PortSpec, type Protocol } from "../net";
import { isUnknown, items, num, str, UNKNOWN, type Plain, type Unknown } from "./plain";
import { showValue } from "../show-value";
export { showValue };

export interface KnownTraffic {
  /** Traffic certainly matched. */
  readonly traffic: TrafficSet;
  /** false when an unknown value may add more. */
  readonly complete: boolean;
  /** A protocol outside tcp/udp/icmp/sctp (e.g. 50/ESP): matched, but not modelled as ports. */
  readonly otherProtocol?: string;
  /**
   * Set when a value is malformed (port 70000, "22-x", NaN, from above to...): the field, the
   * value and what is expected. The provider would reject the rule, so nothing about it is
   * certain: `traffic` is empty, `complete` false, and `widest` is what it could mean at most
   * (every port of its protocol, or everything), for checks that must assume the worst.
   */
  readonly malformed?: string;
  readonly widest?: TrafficSet;
}

// A Map, not an object literal: a protocol spelled "constructor" or "__proto__" must not find Object's own members.
const PROTOCOL_NUMBERS: ReadonlyMap<string, Protocol | "all"> = new Map(Object.entries({
  "-1": "all", all: "all", tcp: "tcp", "6": "tcp", udp: "udp", "17": "udp",
  icmp: "icmp", "1": "icmp", icmpv6: "icmp", "58": "icmp", "ipv6-icmp": "icmp", sctp: "sctp", "132": "sctp",
} as const));

/** Protocol names other than tcp/udp/icmp/sctp that the clouds accept besides numbers 0-255. */
const OTHER_PROTOCOL_NAMES = new Set(["esp", "ah", "ipip", "gre"]);


function malformed(message: string, widest: TrafficSet): KnownTraffic {
  return { traffic: TrafficSet.EMPTY, complete: false, malformed: message, widest };
}

/** A known, present value that is not an integer in `[min, max]`: the reason, else undefined. */
function badInteger(field: string, v: Plain, min: number, max: number): string | undefined {
  if (v === undefined || v === null || isUnknown(v)) return undefined;
  const n = num(v);
  if (typeof n === "number" && Number.isInteger(n) && n >= min && n <= max) return undefined;
  return `${field} ${showValue(v)} is not a whole number from ${min} to ${max}`;
}

function otherProtocol(p: string): boolean {
  const t = p.trim().toLowerCase();
  return OTHER_PROTOCOL_NAMES.has(t) || (/^\d{1,3}$/.test(t) && Number(t) <= 255);
}

/** Reads an AWS protocol name or number (`-1`, `tcp`, `6`, `all`...). */
export function awsProtocol(v: Plain): Protocol | "all" | Unknown | { other: string } | undefined {
  const p = str(v);
  if (p === UNKNOWN) return UNKNOWN;
  if (p === undefined) return undefined;
  return PROTOCOL_NUMBERS.get(p.trim().toLowerCase()) ?? { other: p };
}

const PORTS_HINT = "write ports from 0 to 65535 with fromPort <= toPort (-1 means \"every\" only with protocol \"-1\", or as an ICMP type or code)";

/**
 * AWS security-group and NACL rules: protocol plus from/to port (ICMP types are not modelled).
 * With protocol `-1` or a number other than tcp/udp/icmp AWS ignores the ports, so SCTP (132)
 * is every SCTP port whatever the ports say; tcp and udp need whole ports 0-65535 in order;
 * ICMP takes a type and a code from -1 (every) to 255.
 */
export function awsTraffic(protocol: Plain, fromPort: Plain, toPort: Plain): KnownTraffic {
  const p = awsProtocol(protocol);
  if (p === UNKNOWN) return { traffic: TrafficSet.EMPTY, complete: false };
  if (p === undefined) {
    if (protocol === undefined || protocol === null) return malformed("protocol is missing; write tcp, udp, icmp, -1 or a number from 0 to 255", TrafficSet.ALL);
    return malformed(`protocol ${showValue(protocol)} is not a protocol name or number; write tcp, udp, icmp, -1 or a number from 0 to 255`, TrafficSet.ALL);
  }
  if (typeof p === "object") {
    if (otherProtocol(p.other)) return { traffic: TrafficSet.EMPTY, complete: true, otherProtocol: p.other };
    return malformed(`protocol ${showValue(protocol)} is not a protocol name or number; write tcp, udp, icmp, -1 or a number from 0 to 255`, TrafficSet.ALL);
  }
  if (p === "all" || p === "sctp") return { traffic: TrafficSet.of(p), complete: true };
  if (p === "icmp") {
    const bad = badInteger("fromPort (ICMP type)", fromPort, -1, 255) ?? badInteger("toPort (ICMP code)", toPort, -1, 255);
    if (bad) return malformed(`${bad}; for ICMP write a type and a code from 0 to 255, or -1 for every one`, TrafficSet.of("icmp"));
    return { traffic: TrafficSet.of(p), complete: true };
  }
  const bad = badInteger("fromPort", fromPort, MIN_PORT, MAX_PORT) ?? badInteger("toPort", toPort, MIN_PORT, MAX_PORT);
  if (bad) return malformed(`${bad} for protocol ${p}; ${PORTS_HINT}`, TrafficSet.of(p));
  const from = num(fromPort);
  const to = num(toPort);
  if (from === UNKNOWN || to === UNKNOWN) {
    // One known end proves that port only.
    const known = from !== UNKNOWN && from !== undefined ? from : to !== UNKNOWN && to !== undefined ? to : undefined;
    return { traffic: known === undefined ? TrafficSet.EMPTY : TrafficSet.of(p, known, known), complete: false };
  }
  // AWS requires both ports for tcp and udp.
  if (from === undefined || to === undefined) return malformed(`${from === undefined ? "fromPort" : "toPort"} is missing for protocol ${p}; ${PORTS_HINT}`, TrafficSet.of(p));
  if (from > to) return malformed(`fromPort ${from} is above toPort ${to} for protocol ${p}; ${PORTS_HINT}`, TrafficSet.of(p));
  return { traffic: TrafficSet.of(p, from, to), complete: true };
}

const GCP_PORTS_HINT = "write \"22\" or \"8000-8100\" with ports from 0 to 65535, the lower first";

/** One GCP `allow`/`deny` block: `{ protocol, ports: ["22", "8000-8100"] }`; no ports means all. */
export function gcpTraffic(protocol: Plain, ports: Plain): KnownTraffic {
  const p = str(protocol);
  if (p === UNKNOWN) return { traffic: TrafficSet.EMPTY, complete: false };
  if (p === undefined) return malformed(`protocol ${showValue(protocol)} is not a protocol; write tcp, udp, icmp, esp, ah, sctp, ipip, all or a number from 0 to 255`, TrafficSet.ALL);
  const proto = PROTOCOL_NUMBERS.get(p.trim().toLowerCase());
  if (proto === undefined) {
    if (otherProtocol(p)) return { traffic: TrafficSet.EMPTY, complete: true, otherProtocol: p };
    return malformed(`protocol ${showValue(protocol)} is not a protocol; write tcp, udp, icmp, esp, ah, sctp, ipip, all or a number from 0 to 255`, TrafficSet.ALL);
  }
  if (proto === "all" || proto === "icmp") return { traffic: TrafficSet.of(proto), complete: true };
  if (ports !== undefined && ports !== null && !isUnknown(ports) && !Array.isArray(ports)) {
    return malformed(`ports ${showValue(ports)} is not a list; ${GCP_PORTS_HINT}`, TrafficSet.of(proto));
  }
  const list = items(ports);
  if (!list.unknown && list.known.length === 0) return { traffic: TrafficSet.of(proto), complete: true };
  const specs: PortSpec[] = [];
  let complete = !list.unknown;
  for (const [i, raw] of list.known.entries()) {
    const spec = str(raw);
    if (spec === UNKNOWN) {
      complete = false;
      continue;
    }
    const m = spec === undefined ? null : /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5}))?\s*$/.exec(spec);
    const a = m ? Number(m[1]) : NaN;
    const b = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || a > MAX_PORT || b > MAX_PORT || a > b) return malformed(`ports[${i}] ${showValue(raw)} is not a port or range; ${GCP_PORTS_HINT}`, TrafficSet.of(proto));
    specs.push({ protocol: proto, from: a, to: b });
  }
  return { traffic: TrafficSet.fromSpecs(specs), complete };
}

/** A Kubernetes port name (IANA_SVC_NAME): lowercase letters, digits and inner hyphens, at least one letter, 15 at most. */
const PORT_NAME = /^(?=.*[a-z])[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,14}$/;

/**
 * One Kubernetes NetworkPolicyPort: protocol defaults to TCP; a named port (string) matches an
 * unknown number, so it is reported as incomplete rather than guessed. Ports run 1-65535, and
 * `endPort` needs a numeric `port` no greater than it.
 */
export function k8sPortTraffic(protocol: Plain, port: Plain, endPort: Plain): KnownTraffic {
  const p = str(protocol);
  if (p === UNKNOWN) return { traffic: TrafficSet.EMPTY, complete: false };
  if (p === undefined && protocol !== undefined && protocol !== null) return malformed(`protocol ${showValue(protocol)} is not TCP, UDP or SCTP`, TrafficSet.ALL);
  const proto = (p ?? "TCP").toLowerCase();
  if (proto !== "tcp" && proto !== "udp" && proto !== "sctp") return malformed(`protocol ${showValue(protocol)} is not TCP, UDP or SCTP`, TrafficSet.ALL);
  const badEnd = badInteger("endPort", endPort, 1, MAX_PORT);
  if (port === undefined || port === null) {
    if (endPort !== undefined && endPort !== null) return malformed(`endPort ${showValue(endPort)} is set without a port; write a numeric port with endPort at or above it`, TrafficSet.of(proto));
    return { traffic: TrafficSet.of(proto), complete: true };
  }
  if (isUnknown(port)) return { traffic: TrafficSet.EMPTY, complete: false };
  const numeric = typeof port === "number" || (typeof port === "string" && /^\s*-?\d+\s*$/.test(port));
  if (!numeric) {
    if (typeof port === "string" && PORT_NAME.test(port)) {
      if (endPort !== undefined && endPort !== null) return malformed(`endPort ${showValue(endPort)} is set beside the named port ${showValue(port)}; endPort needs a numeric port`, TrafficSet.of(proto));
      return { traffic: TrafficSet.EMPTY, complete: false };
    }
    return malformed(`port ${showValue(port)} is neither a port number from 1 to 65535 nor a port name (lowercase letters, digits and hyphens, 15 at most)`, TrafficSet.of(proto));
  }
  const badPort = badInteger("port", port, 1, MAX_PORT);
  if (badPort) return malformed(`${badPort}`, TrafficSet.of(proto));
  if (badEnd) return malformed(`${badEnd}`, TrafficSet.of(proto));
  const n = num(port) as number;
  const end = num(endPort);
  if (end === UNKNOWN) return { traffic: TrafficSet.of(proto, n, n), complete: false };
  if (end !== undefined && end < n) return malformed(`endPort ${end} is below port ${n}; write endPort at or above port`, TrafficSet.of(proto));
  return { traffic: TrafficSet.of(proto, n, end ?? n), complete: true };
}
