/**
 * Each platform's spelling of protocols and ports, read into TrafficSets. An unknown protocol
 * or port widens to the whole protocol (or everything) and is flagged, so the caller can treat
 * the rule as a "maybe".
 */
import { MAX_PORT, TrafficSet, type Protocol } from "../net/ports";
import { num, str, UNKNOWN } from "./values";

export interface ReadTraffic {
  readonly traffic: TrafficSet;
  /** False when an unknown value made `traffic` an over-estimate. */
  readonly certain: boolean;
}

const BY_NAME: Record<string, Protocol | "all"> = {
  "-1": "all", all: "all", tcp: "tcp", "6": "tcp", udp: "udp", "17": "udp", icmp: "icmp", "1": "icmp", icmpv6: "icmp", "58": "icmp",
};

/** Protocol name or number as AWS, GCP and Kubernetes write it; undefined for ones netseg does not model (esp, gre...). */
export function protocolOf(v: unknown): Protocol | "all" | undefined | typeof UNKNOWN {
  const s = str(v);
  if (s === undefined) return undefined;
  if (s === UNKNOWN) return UNKNOWN;
  return BY_NAME[s.toLowerCase()];
}

function range(protocol: Protocol | "all", from: number, to: number): TrafficSet {
  if (protocol === "all" || protocol === "icmp") return TrafficSet.of(protocol);
  const lo = Math.max(0, Math.min(from, to));
  const hi = Math.min(MAX_PORT, Math.max(from, to));
  return TrafficSet.fromSpecs([{ protocol, from: lo, to: hi }]);
}

/** AWS: `protocol` with `fromPort`/`toPort`; `-1` ignores the ports. */
export function awsTraffic(protocol: unknown, fromPort: unknown, toPort: unknown): ReadTraffic {
  const p = protocolOf(protocol);
  if (p === UNKNOWN) return { traffic: TrafficSet.ALL, certain: false };
  if (p === undefined) return { traffic: TrafficSet.EMPTY, certain: true };
  if (p === "all" || p === "icmp") return { traffic: TrafficSet.of(p), certain: true };
  const f = num(fromPort);
  const t = num(toPort);
  if (f === UNKNOWN || t === UNKNOWN) return { traffic: TrafficSet.of(p), certain: false };
  if (f === undefined && t === undefined) return { traffic: TrafficSet.of(p), certain: true };
  const from = f ?? (t as number);
  const to = t ?? from;
  return { traffic: range(p, from, to), certain: true };
}

/** GCP: `{ protocol, ports: ["22", "8000-8100"] }`; no ports means every port. */
export function gcpTraffic(protocol: unknown, ports: unknown): ReadTraffic {
  const p = protocolOf(protocol);
  if (p === UNKNOWN) return { traffic: TrafficSet.ALL, certain: false };
  if (p === undefined) return { traffic: TrafficSet.EMPTY, certain: true };
  if (p === "all" || p === "icmp") return { traffic: TrafficSet.of(p), certain: true };
  if (ports === undefined || ports === null) return { traffic: TrafficSet.of(p), certain: true };
  const list = Array.isArray(ports) ? ports : undefined;
  if (!list) return { traffic: TrafficSet.of(p), certain: false };
  if (list.length === 0) return { traffic: TrafficSet.of(p), certain: true };
  let traffic = TrafficSet.EMPTY;
  let certain = true;
  for (const x of list) {
    const s = str(x);
    if (s === UNKNOWN) {
      certain = false;
      traffic = traffic.union(TrafficSet.of(p));
      continue;
    }
    const m = /^(\d+)(?:-(\d+))?$/.exec(String(s ?? "").trim());
    if (!m) continue;
    traffic = traffic.union(range(p, Number(m[1]), Number(m[2] ?? m[1])));
  }
  return { traffic, certain };
}
