/**
 * The client's ephemeral ports: the source ports a client picks for its TCP, UDP and SCTP
 * sessions, to which the replies are addressed. A stateless filter (an AWS NACL) on the way back
 * sees them as destination ports, so a session works when ONE of them passes the return path.
 *
 * Presets: `linux` 32768-60999 (net.ipv4.ip_local_port_range), `windows` 49152-65535 (IANA's
 * dynamic range, Windows since Vista/2008), `nat` 1024-65535 (an AWS NAT gateway, an ELB, Lambda).
 * The default is the widest, 1024-65535: a path is reported open when some client of some kind
 * can use it, the safe direction for a segmentation check (a narrower range can only hide paths).
 */
import { EPHEMERAL, MAX_PORT, PORTED_PROTOCOLS, TrafficSet, type PortedProtocol } from "../net/ports";

export interface EphemeralPorts {
  readonly from: number;
  readonly to: number;
}

export const EPHEMERAL_PRESETS = {
  linux: { from: 32768, to: 60999 },
  windows: { from: 49152, to: 65535 },
  nat: { from: EPHEMERAL.from, to: EPHEMERAL.to },
} as const satisfies Record<string, EphemeralPorts>;

export type EphemeralPreset = keyof typeof EPHEMERAL_PRESETS;

/** The widest plausible range (see the module comment). */
export const DEFAULT_EPHEMERAL_PORTS: EphemeralPorts = EPHEMERAL_PRESETS.nat;

/** What `ephemeralPorts` accepts: a preset name, `from-to` text, or `{ from, to }`. */
export type EphemeralPortsInput = EphemeralPreset | string | EphemeralPorts;

/** What an ephemeral-ports value may be, as error messages and the policy config's schema say it. */
export const EPHEMERAL_PORTS_EXPECTED = `a preset (${Object.keys(EPHEMERAL_PRESETS).join(", ")}), a range "from-to" such as "32768-60999", or { from, to }, with 1 <= from <= to <= ${MAX_PORT}`;

/** A value as an error message shows it: JSON when it is small and plain, a short description otherwise. */
function shown(v: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    text = undefined;
  }
  if (text === undefined) return typeof v === "object" && v !== null ? "an object" : typeof v;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The range `value` stands for, or an explanation naming `field` (when given), the value and what is expected. */
export function parseEphemeralPorts(value: unknown, field = "ephemeralPorts"): EphemeralPorts | { error: string } {
  const bad = (why: string) => ({ error: `${field ? `${field}: ` : ""}${shown(value)} ${why}; expected ${EPHEMERAL_PORTS_EXPECTED}` });
  let from: unknown;
  let to: unknown;
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (Object.hasOwn(EPHEMERAL_PRESETS, text)) return EPHEMERAL_PRESETS[text as EphemeralPreset];
    const m = /^(\d{1,5})\s*-\s*(\d{1,5})$/.exec(text);
    if (!m) return bad("is neither a preset nor a range");
    [from, to] = [Number(m[1]), Number(m[2])];
  } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const extra = Object.keys(value).filter((k) => k !== "from" && k !== "to");
    if (extra.length) return bad(`has ${extra.map((k) => JSON.stringify(k)).join(", ")} besides from and to`);
    try {
      ({ from, to } = value as Record<string, unknown>);
    } catch {
      return bad("could not be read");
    }
    if (from === undefined || to === undefined) return bad("needs both from and to");
  } else {
    return bad("is neither a preset nor a range");
  }
  const port = (p: unknown) => typeof p === "number" && Number.isInteger(p) && p >= 1 && p <= MAX_PORT;
  if (!port(from) || !port(to)) return bad(`has a port outside 1-${MAX_PORT}`);
  if ((from as number) > (to as number)) return bad(`runs backwards (write ${to}-${from})`);
  return { from: from as number, to: to as number };
}

/** As {@link parseEphemeralPorts}, throwing the explanation; undefined gives the default. */
export function resolveEphemeralPorts(value: unknown, field = "ephemeralPorts"): EphemeralPorts {
  if (value === undefined) return DEFAULT_EPHEMERAL_PORTS;
  const r = parseEphemeralPorts(value, field);
  if ("error" in r) throw new Error(r.error);
  return r;
}

/**
 * Reply traffic a stateless filter must let back to a client of this range: its TCP, UDP and
 * SCTP ports (an SCTP client, like a TCP one, sends from a port of its own and is answered
 * there), and ICMP.
 */
export function clientReplyTraffic(range: EphemeralPorts): TrafficSet {
  return TrafficSet.fromSpecs([
    ...PORTED_PROTOCOLS.map((protocol) => ({ protocol, ...range })),
    { protocol: "icmp", from: 0, to: MAX_PORT },
  ]);
}

/** `1024-3388, 3390-65535`: a port set as text, without its protocol. */
export function portsText(t: TrafficSet, protocol: PortedProtocol): string {
  return t
    .ports(protocol)
    .intervals.map((iv) => (iv.from === iv.to ? `${iv.from}` : `${iv.from}-${iv.to}`))
    .join(", ");
}
