/**
 * Probes (one protocol and one port) and the engine's answer read back from its text form, so
 * the reference never builds the engine's traffic sets: `all`, `nothing`, `tcp`, `tcp/22`,
 * `udp/1024-65535`, `icmp`, joined by ", ".
 */

export type ProbeProtocol = "tcp" | "udp" | "icmp";

export interface Probe {
  readonly protocol: ProbeProtocol;
  /** The destination port (0 for ICMP, which is judged whole). */
  readonly port: number;
}

/** A rule's protocol and ports as AWS spells them: `-1` is every protocol; ICMP ports are type/code, -1 meaning any. */
export interface PortRule {
  readonly protocol: "tcp" | "udp" | "icmp" | "-1";
  readonly fromPort: number;
  readonly toPort: number;
}

export function probeText(p: Probe): string {
  return p.protocol === "icmp" ? "icmp" : `${p.protocol}/${p.port}`;
}

export function awsRuleMatches(rule: PortRule, p: Probe): boolean {
  if (rule.protocol === "-1") return true;
  if (rule.protocol !== p.protocol) return false;
  if (p.protocol === "icmp") return true;
  return p.port >= rule.fromPort && p.port <= rule.toPort;
}

/** Whether the engine's answer, as text, holds the probe. */
export function answerHolds(answer: string, p: Probe): boolean {
  if (answer === "nothing") return false;
  return answer.split(", ").some((spec) => {
    if (spec === "all") return true;
    const [protocol, ports] = spec.split("/");
    if (protocol !== p.protocol) return false;
    if (ports === undefined) return true;
    const [from, to = from] = ports.split("-").map(Number);
    return p.port >= from && p.port <= to;
  });
}

/** TCP and UDP probes at every bound a rule names and next to it, a few usual ports, and ICMP. */
export function probesFor(rules: readonly PortRule[]): Probe[] {
  const ports = new Set([0, 22, 53, 80, 443, 1023, 1024, 5432, 65535]);
  for (const r of rules) {
    if (r.protocol !== "tcp" && r.protocol !== "udp") continue;
    for (const p of [r.fromPort - 1, r.fromPort, r.toPort, r.toPort + 1]) if (p >= 0 && p <= 65535) ports.add(p);
  }
  const sorted = [...ports].sort((a, b) => a - b);
  return [...sorted.map((port) => ({ protocol: "tcp" as const, port })), ...sorted.map((port) => ({ protocol: "udp" as const, port })), { protocol: "icmp", port: 0 }];
}

/** Client ports of `from..to` at which a stateless filter's verdict may change: the range's ends and every rule bound inside it. */
export function clientPortCandidates(rules: readonly PortRule[], from: number, to: number): number[] {
  const ports = new Set([from, to]);
  for (const r of rules) for (const p of [r.fromPort - 1, r.fromPort, r.toPort, r.toPort + 1]) if (p >= from && p <= to) ports.add(p);
  return [...ports].sort((a, b) => a - b);
}
