/**
 * The two ways filters decide, shared by every platform: allow-lists whose rules add up
 * (security groups, NetworkPolicies) and ordered lists where the first matching rule wins
 * (NACLs by rule number, GCP firewalls by priority with deny first). Each is evaluated twice at
 * once: for what is certainly allowed (unknown-match allows ignored, unknown-match denies
 * applied) and for what is possibly allowed (the reverse), so unknowns at preview neither
 * invent nor hide a path.
 */
import { EPHEMERAL, PROTOCOLS, TrafficSet } from "../net/ports";
import type { Block, Grant, Path, RuleRef, Stage } from "./model";
import type { Tri } from "./values";

export interface Entry {
  readonly rule: RuleRef;
  readonly action: "allow" | "deny";
  readonly traffic: TrafficSet;
  /** Whether the rule applies to this pair of endpoints. */
  readonly match: Tri;
}

/** Allow-only rules that add up: anything no rule allows is denied. */
export function allowStage(label: string, entries: Iterable<Entry>, missing: string): Stage {
  let lower = TrafficSet.EMPTY;
  let upper = TrafficSet.EMPTY;
  const grants: Grant[] = [];
  for (const e of entries) {
    if (e.match === "no" || e.action !== "allow" || e.traffic.isEmpty()) continue;
    upper = upper.union(e.traffic);
    if (e.match === "yes") lower = lower.union(e.traffic);
    grants.push({ rule: e.rule, traffic: e.traffic, certain: e.match === "yes" });
  }
  return { label, lower, upper, grants, denies: [], missing };
}

/**
 * Ordered rules, first match wins; what no rule matched goes to `fallback` (deny unless the
 * platform's last rule allows, like GCP's implied allow-egress).
 */
export function firstMatchStage(
  label: string,
  ordered: Iterable<Entry>,
  fallback: { rule: RuleRef; action: "allow" | "deny" },
  missing: string,
): Stage {
  let restLo = TrafficSet.ALL;
  let restHi = TrafficSet.ALL;
  let lower = TrafficSet.EMPTY;
  let upper = TrafficSet.EMPTY;
  const grants: Grant[] = [];
  const denies: Grant[] = [];
  for (const e of ordered) {
    if (e.match === "no" || e.traffic.isEmpty()) continue;
    if (restHi.isEmpty() && restLo.isEmpty()) break;
    const takenHi = restHi.intersect(e.traffic);
    const takenLo = restLo.intersect(e.traffic);
    if (e.action === "allow") {
      if (!takenHi.isEmpty()) grants.push({ rule: e.rule, traffic: takenHi, certain: e.match === "yes" });
      upper = upper.union(takenHi);
      if (e.match === "yes") {
        lower = lower.union(takenLo);
        restLo = restLo.subtract(e.traffic);
        restHi = restHi.subtract(e.traffic);
      }
    } else {
      if (!takenLo.isEmpty()) denies.push({ rule: e.rule, traffic: takenLo, certain: e.match === "yes" });
      restLo = restLo.subtract(e.traffic);
      if (e.match === "yes") restHi = restHi.subtract(e.traffic);
    }
  }
  if (fallback.action === "allow") {
    if (!restHi.isEmpty()) grants.push({ rule: fallback.rule, traffic: restHi, certain: true });
    upper = upper.union(restHi);
    lower = lower.union(restLo);
  }
  return { label, lower, upper, grants, denies, fallback: fallback.action === "deny" ? fallback.rule : undefined, missing };
}

/** A check that lets everything through for a stated reason (not isolated, local route). */
export function passStage(label: string, rule: RuleRef, traffic: TrafficSet = TrafficSet.ALL): Stage {
  return { label, lower: traffic, upper: traffic, grants: [{ rule, traffic, certain: true }], denies: [], missing: label };
}

/** A check that cannot pass (no route); `rule` names the blocking resource when there is one. */
export function blockStage(label: string, missing: string, rule?: RuleRef): Stage {
  return { label, lower: TrafficSet.EMPTY, upper: TrafficSet.EMPTY, grants: [], denies: [], missing, ...(rule ? { blockedBy: rule } : {}) };
}

/** A check whose outcome hangs on an unknown: nothing certain, everything possible. */
export function unknownStage(label: string, missing: string): Stage {
  return { label, lower: TrafficSet.EMPTY, upper: TrafficSet.ALL, grants: [], denies: [], missing };
}

const EPHEMERAL_PORTS = TrafficSet.fromSpecs([
  { protocol: "tcp", ...EPHEMERAL },
  { protocol: "udp", ...EPHEMERAL },
  { protocol: "icmp", from: 0, to: 65535 },
]);

/**
 * Return traffic through a stateless filter: `inner` was evaluated on reply packets, whose
 * destination is the client's ephemeral port. A protocol's requests pass only when the replies
 * on the whole ephemeral range (1024-65535) pass; a reply range cut short breaks some clients.
 */
export function returnStage(inner: Stage): Stage {
  const project = (t: TrafficSet) => {
    const ok = PROTOCOLS.filter((p) => t.covers(EPHEMERAL_PORTS.intersect(TrafficSet.of(p))));
    return TrafficSet.fromSpecs(ok.map((p) => ({ protocol: p, from: 0, to: 65535 })));
  };
  return { label: inner.label, lower: project(inner.lower), upper: project(inner.upper), grants: inner.grants, denies: [], missing: inner.missing, reply: inner };
}

/** The ephemeral reply ports a stateless filter has to let back, per protocol. */
export const RETURN_TRAFFIC = EPHEMERAL_PORTS;

export function pathTraffic(path: Path): { lower: TrafficSet; upper: TrafficSet } {
  let lower = TrafficSet.ALL;
  let upper = TrafficSet.ALL;
  for (const s of path.stages) {
    lower = lower.intersect(s.lower);
    upper = upper.intersect(s.upper);
  }
  return { lower, upper };
}

/** Why `traffic` does not make it along `path`: every stage that stops part of it, and how. */
export function explainPath(path: Path, traffic: TrafficSet): Block[] {
  const out: Block[] = [];
  for (const s of path.stages) {
    let blocked = traffic.subtract(s.upper);
    if (blocked.isEmpty()) continue;
    if (s.reply) {
      out.push(...explainReturn(s, s.reply, blocked));
      continue;
    }
    for (const d of s.denies) {
      const hit = blocked.intersect(d.traffic);
      if (hit.isEmpty()) continue;
      out.push({ traffic: hit, stage: s.label, rule: d.rule, reason: `${d.rule.resource} ${d.rule.rule} denies ${hit}` });
      blocked = blocked.subtract(hit);
    }
    if (blocked.isEmpty()) continue;
    out.push(
      s.fallback
        ? { traffic: blocked, stage: s.label, rule: s.fallback, reason: `${s.fallback.resource} ${s.fallback.rule} denies ${blocked}` }
        : { traffic: blocked, stage: s.label, rule: s.blockedBy, reason: `${s.missing} on ${blocked}` },
    );
  }
  return out;
}

/** Return-path blocks are named by the reply traffic that is refused, per protocol. */
function explainReturn(s: Stage, reply: Stage, blocked: TrafficSet): Block[] {
  const out: Block[] = [];
  for (const p of PROTOCOLS) {
    const requests = blocked.intersect(TrafficSet.of(p));
    if (requests.isEmpty()) continue;
    const replies = RETURN_TRAFFIC.intersect(TrafficSet.of(p)).subtract(reply.upper);
    const deny = reply.denies.find((d) => d.traffic.intersect(replies).isEmpty() === false);
    const rule = deny?.rule ?? reply.fallback;
    const by = rule ? ` (${rule.resource} ${rule.rule})` : "";
    out.push({ traffic: requests, stage: s.label, rule, reason: `return traffic ${replies} not allowed by ${reply.label}${by}` });
  }
  return out;
}
