/**
 * Protocols and ports as the intent writes them (`tcp/443`, `udp/53`, `tcp/8000-8100`,
 * `sctp/3868`, `icmp`, `all`) and as sets (`TrafficSet`), so that rules, policies and
 * reachability all compare traffic by range rather than by spelling.
 */
import { BoundedMemo } from "./bounded-memo";
import { RangeSet, type Interval } from "./range-set";

/**
 * The protocols netseg models. TCP, UDP and SCTP (IP protocol 132) carry ports; ICMP is whole.
 * SCTP comes last so that sets, plans and renderings of TCP/UDP/ICMP keep their order.
 */
export const PROTOCOLS = ["tcp", "udp", "icmp", "sctp"] as const;
export type Protocol = (typeof PROTOCOLS)[number];
/** `all` is every protocol on every port (AWS `-1`, GCP `all`, no ports in a NetworkPolicy). */
export type ProtocolOrAll = Protocol | "all";
/** The protocols that carry ports (and so need return ports through a stateless filter). */
export const PORTED_PROTOCOLS = ["tcp", "udp", "sctp"] as const;
export type PortedProtocol = (typeof PORTED_PROTOCOLS)[number];

export const MIN_PORT = 0;
export const MAX_PORT = 65535;
/** Ephemeral ports used by return traffic through stateless filters (NACLs). */
export const EPHEMERAL = { from: 1024, to: 65535 } as const;

/** One protocol and an inclusive port range. ICMP and `all` always span 0-65535. */
export interface PortSpec {
  readonly protocol: ProtocolOrAll;
  readonly from: number;
  readonly to: number;
}

const PORT_SPEC = /^(tcp|udp|sctp|icmp|all)(?:\/(\d{1,5})(?:-(\d{1,5}))?)?$/;

/** Parses `tcp/443`; returns an explanation instead of throwing, so a schema can report it. */
export function parsePortSpec(text: string): PortSpec | { error: string } {
  const m = PORT_SPEC.exec(text.trim().toLowerCase());
  if (!m) {
    return { error: `"${text}" is not a port spec; write protocol/port such as tcp/443, udp/53, tcp/8000-8100, sctp/3868, icmp or all` };
  }
  const protocol = m[1] as ProtocolOrAll;
  if (protocol === "icmp" || protocol === "all") {
    if (m[2] !== undefined) return { error: `"${text}": ${protocol} takes no port; write just "${protocol}"` };
    return { protocol, from: MIN_PORT, to: MAX_PORT };
  }
  if (m[2] === undefined) return { protocol, from: MIN_PORT, to: MAX_PORT };
  const from = Number(m[2]);
  const to = m[3] === undefined ? from : Number(m[3]);
  if (from > MAX_PORT || to > MAX_PORT) return { error: `"${text}": ports run from 0 to ${MAX_PORT}` };
  if (from > to) return { error: `"${text}": range runs backwards; write ${protocol}/${to}-${from}` };
  return { protocol, from, to };
}

export function formatPortSpec(p: PortSpec): string {
  if (p.protocol === "icmp" || p.protocol === "all") return p.protocol;
  if (p.from === MIN_PORT && p.to === MAX_PORT) return p.protocol;
  return p.from === p.to ? `${p.protocol}/${p.from}` : `${p.protocol}/${p.from}-${p.to}`;
}

/** TrafficSets are immutable, so one per spec is shared: a large stack's rules repeat a few specs many times. */
const ONE_SPEC = new BoundedMemo<TrafficSet>(10_000);

/** Traffic as a set per protocol; the unit of comparison everywhere. */
export class TrafficSet {
  private constructor(private readonly byProto: ReadonlyMap<Protocol, RangeSet<number>>) {}

  static readonly EMPTY = new TrafficSet(new Map());
  static readonly ALL = TrafficSet.fromSpecs([{ protocol: "all", from: MIN_PORT, to: MAX_PORT }]);

  static fromSpecs(specs: Iterable<PortSpec>): TrafficSet {
    // Intervals gathered first and normalised once per protocol: a long port list stays linear-logarithmic.
    const byProto = new Map<Protocol, Interval<number>[]>();
    for (const s of specs) {
      const protos: readonly Protocol[] = s.protocol === "all" ? PROTOCOLS : [s.protocol];
      for (const p of protos) {
        const whole = s.protocol === "all" || p === "icmp";
        if (!whole && s.from > s.to) throw new RangeError(`interval ${s.from}-${s.to} is reversed`);
        const list = byProto.get(p) ?? [];
        list.push(whole ? { from: MIN_PORT, to: MAX_PORT } : { from: s.from, to: s.to });
        byProto.set(p, list);
      }
    }
    const acc = new Map<Protocol, RangeSet<number>>();
    for (const [p, list] of byProto) acc.set(p, RangeSet.from(list));
    return new TrafficSet(acc);
  }

  static of(protocol: ProtocolOrAll, from = MIN_PORT, to = from === MIN_PORT ? MAX_PORT : from): TrafficSet {
    return ONE_SPEC.get(`${protocol}/${from}/${to}`, () => TrafficSet.fromSpecs([{ protocol, from, to }]));
  }

  ports(protocol: Protocol): RangeSet<number> {
    return this.byProto.get(protocol) ?? RangeSet.empty<number>();
  }

  private combine(other: TrafficSet, op: (a: RangeSet<number>, b: RangeSet<number>) => RangeSet<number>): TrafficSet {
    const acc = new Map<Protocol, RangeSet<number>>();
    for (const p of PROTOCOLS) {
      const r = op(this.ports(p), other.ports(p));
      if (!r.isEmpty()) acc.set(p, r);
    }
    return new TrafficSet(acc);
  }

  // Sets are immutable and hold no empty protocol (fromSpecs and combine keep none), so an empty
  // operand answers without building anything: most sets a large stack's analysis meets are empty.
  union(other: TrafficSet): TrafficSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return this.combine(other, (a, b) => a.union(b));
  }

  intersect(other: TrafficSet): TrafficSet {
    if (this.isEmpty() || other.isEmpty()) return TrafficSet.EMPTY;
    return this.combine(other, (a, b) => a.intersect(b));
  }

  subtract(other: TrafficSet): TrafficSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    return this.combine(other, (a, b) => a.subtract(b));
  }

  isEmpty(): boolean {
    return this.byProto.size === 0;
  }

  covers(other: TrafficSet): boolean {
    return other.subtract(this).isEmpty();
  }

  equals(other: TrafficSet): boolean {
    return PROTOCOLS.every((p) => this.ports(p).equals(other.ports(p)));
  }

  /** Merged specs, adjacent ranges joined, `all` when every protocol is whole. */
  toSpecs(): PortSpec[] {
    if (this.covers(TrafficSet.ALL)) return [{ protocol: "all", from: MIN_PORT, to: MAX_PORT }];
    const out: PortSpec[] = [];
    for (const p of PROTOCOLS) {
      for (const iv of this.ports(p).intervals) out.push({ protocol: p, from: iv.from, to: iv.to });
    }
    return out;
  }

  toString(): string {
    return this.isEmpty() ? "nothing" : this.toSpecs().map(formatPortSpec).join(", ");
  }
}
