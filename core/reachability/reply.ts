/**
 * Return traffic through stateless filters (AWS NACLs, including a transit gateway attachment's).
 * A reply is addressed to the client's source port, picked from its ephemeral range
 * (./ephemeral), and a stateless filter judges it by that port. Filters on the request path
 * judge only the server's port, so a TCP, UDP or SCTP session works when ONE client port of the
 * range gets its replies back through EVERY return check of the path: the usable ports are the range
 * met with each check's passing ports (P on one NACL and Q on another leave P and Q in common).
 * Each return check alone only says whether some port passes it; the path meets them (./stage).
 */
import { MAX_PORT, PORTED_PROTOCOLS, PROTOCOLS, TrafficSet, type Protocol } from "../net/ports";
import type { Block, ClientPorts, Path, RuleRef, Stage } from "./model";
import { clientReplyTraffic, DEFAULT_EPHEMERAL_PORTS, portsText, type EphemeralPorts } from "./ephemeral";

/** `served` answers by protocol bitmask: one set per subset of PROTOCOLS, built once. */
const SERVED: TrafficSet[] = [];
for (let mask = 0; mask < 1 << PROTOCOLS.length; mask++) {
  const specs = PROTOCOLS.filter((_, i) => mask & (1 << i)).map((protocol) => ({ protocol, from: 0, to: MAX_PORT }));
  SERVED.push(mask === (1 << PROTOCOLS.length) - 1 ? TrafficSet.ALL : specs.length ? TrafficSet.fromSpecs(specs) : TrafficSet.EMPTY);
}

/** The protocols that have some client port in `ports`, whole: their requests may get replies. */
export function served(ports: TrafficSet): TrafficSet {
  let mask = 0;
  PROTOCOLS.forEach((p, i) => {
    if (!ports.ports(p).isEmpty()) mask |= 1 << i;
  });
  return SERVED[mask];
}

/**
 * Return checks for clients of `range`: `back(inner)` is the check of `inner`, a filter
 * evaluated on the reply packets; one per filter, shared by every path through it.
 */
export function returnStages(range: EphemeralPorts = DEFAULT_EPHEMERAL_PORTS): (inner: Stage) => Stage {
  const replies = clientReplyTraffic(range);
  const cache = new WeakMap<Stage, Stage>();
  return (inner) => {
    let stage = cache.get(inner);
    if (!stage) cache.set(inner, (stage = returnStage(inner, replies)));
    return stage;
  };
}

function returnStage(inner: Stage, range: TrafficSet): Stage {
  const clientPorts: ClientPorts = { range, lower: inner.lower.intersect(range), upper: inner.upper.intersect(range) };
  return {
    label: inner.label,
    lower: served(clientPorts.lower),
    upper: served(clientPorts.upper),
    get grants() {
      return inner.grants;
    },
    denies: [],
    missing: inner.missing,
    reply: inner,
    clientPorts,

  };
}

/** Client ports met along a path's return checks so far (undefined before the first). */
export function meetClientPorts(acc: { lower: TrafficSet; upper: TrafficSet } | undefined, c: ClientPorts): { lower: TrafficSet; upper: TrafficSet } {
  if (!acc) return { lower: c.lower, upper: c.upper };
  return { lower: acc.lower === c.lower ? acc.lower : acc.lower.intersect(c.lower), upper: acc.upper === c.upper ? acc.upper : acc.upper.intersect(c.upper) };
}

/** The client ports whose replies pass every return check of `path`, with the client range; undefined without any. */
export function pathClientPorts(path: Path): { range: TrafficSet; lower: TrafficSet; upper: TrafficSet } | undefined {
  let acc: { lower: TrafficSet; upper: TrafficSet } | undefined;
  let range: TrafficSet | undefined;
  for (const s of path.stages) {
    if (!s.clientPorts) continue;
    range = s.clientPorts.range;
    acc = meetClientPorts(acc, s.clientPorts);
  }
  return acc && range ? { range, ...acc } : undefined;
}

const of = (p: Protocol) => TrafficSet.of(p);

/** Which rules of `filter` refuse `replies`, each with its share; the rest is the filter's fallback or its missing rule. */
function blame(filter: Stage, replies: TrafficSet): { rule?: RuleRef; traffic: TrafficSet }[] {
  const out: { rule?: RuleRef; traffic: TrafficSet }[] = [];
  let rest = replies;
  for (const d of filter.denies) {
    const hit = rest.intersect(d.traffic);
    if (hit.isEmpty()) continue;
    out.push({ rule: d.rule, traffic: hit });
    rest = rest.subtract(hit);
  }
  if (!rest.isEmpty()) out.push({ rule: filter.fallback ?? filter.blockedBy, traffic: rest });
  return out;
}

/** ` (acl rule 100)` for one culprit; each with its share when several. */
function culprits(filter: Stage, named: { rule?: RuleRef; traffic: TrafficSet }[]): string {
  if (named.length === 1) return named[0].rule ? ` (${named[0].rule.resource} ${named[0].rule.rule})` : "";
  return ` (${named.map((n) => (n.rule ? `${n.rule.resource} ${n.rule.rule} on ${n.traffic}` : `${filter.missing} on ${n.traffic}`)).join("; ")})`;
}

/** A return check that lets no client port back for the `blocked` requests, named per protocol. */
export function explainReturn(s: Stage, blocked: TrafficSet): Block[] {
  const out: Block[] = [];
  if (!s.reply || !s.clientPorts) return out;
  for (const p of PROTOCOLS) {
    const requests = blocked.intersect(of(p));
    if (requests.isEmpty()) continue;
    const replies = s.clientPorts.range.intersect(of(p)).subtract(s.reply.upper);
    const named = blame(s.reply, replies);
    out.push({ traffic: requests, stage: s.label, rule: named.find((n) => n.rule)?.rule, reason: `return traffic ${replies} not allowed by ${s.reply.label}${culprits(s.reply, named)}` });
  }
  return out;
}

/**
 * Requests whose return checks each let some client port back, but no port gets through them
 * all: each check that narrows the range is named with the ports it lets back and the rules
 * refusing the rest.
 */
export function explainDisjointReturns(stages: readonly Stage[], traffic: TrafficSet): Block[] {
  const checks = stages.filter((s) => s.clientPorts && s.reply);
  const out: Block[] = [];
  if (!checks.length) return out;
  for (const p of PORTED_PROTOCOLS) {
    const requests = traffic.intersect(of(p));
    if (requests.isEmpty()) continue;
    const range = checks[0].clientPorts!.range.intersect(of(p));
    const joint = checks.reduce((acc, s) => acc.intersect(s.clientPorts!.upper), range);
    if (!joint.isEmpty()) continue;
    let rule: RuleRef | undefined;
    const parts: string[] = [];
    for (const s of checks) {
      const passes = s.clientPorts!.upper.intersect(of(p));
      if (passes.covers(range)) continue;
      const named = blame(s.reply!, range.subtract(passes));
      rule ??= named.find((n) => n.rule)?.rule;
      parts.push(`${s.reply!.label} lets back only ${passes}${culprits(s.reply!, named)}`);
    }
    out.push({ traffic: requests, stage: "return path", rule, reason: `no client port in ${range} gets its replies back through every return check: ${parts.join("; ")}` });
  }
  return out;
}

/** `tcp replies pass on client ports 1024-3388, 3390-65535 only (of 1024-65535)` for what `path` carries of `traffic`, when the return path narrows the range. */
export function narrowedReplies(path: Path, carried: TrafficSet): string | undefined {
  const c = pathClientPorts(path);
  if (!c) return undefined;
  const parts: string[] = [];
  for (const p of PORTED_PROTOCOLS) {
    if (carried.ports(p).isEmpty()) continue;
    const passes = c.upper.intersect(of(p));
    const range = c.range.intersect(of(p));
    if (passes.isEmpty() || passes.covers(range)) continue;
    parts.push(`${p} replies pass on client ports ${portsText(passes, p)} only (of ${portsText(range, p)})`);
  }
  return parts.length ? parts.join(", ") : undefined;
}
