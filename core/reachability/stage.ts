/**
 * The two ways filters decide, shared by every platform: allow-lists whose rules add up
 * (security groups, NetworkPolicies) and ordered lists where the first matching rule wins
 * (NACLs by rule number, GCP firewalls by priority with deny first). Each is evaluated twice at
 * once: for what is certainly allowed (unknown-match allows ignored, unknown-match denies
 * applied) and for what is possibly allowed (the reverse), so unknowns at preview neither
 * invent nor hide a path.
 */
import { PROTOCOLS, TrafficSet, type PortSpec } from "../net/ports";
import { RangeSet, type Interval } from "../net/range-set";
import type { Block, Grant, Path, RuleRef, Stage } from "./model";
import type { Tri } from "./values";
import { flat, paint, type FlatPorts, type PaintAction } from "./sweep";
import { explainDisjointReturns, explainReturn, meetClientPorts, served } from "./reply";

export interface Entry {
  readonly rule: RuleRef;
  readonly action: "allow" | "deny";
  readonly traffic: TrafficSet;
  /** Whether the rule applies to this pair of endpoints. */
  readonly match: Tri;
  /** `traffic`'s port intervals per protocol, when the caller has them at hand (saves a lookup). */
  readonly ports?: FlatPorts;
}

/** Allow-only rules that add up: anything no rule allows is denied. */
export function allowStage(label: string, entries: Iterable<Entry>, missing: string): Stage {
  const lower: Interval<number>[][] = PROTOCOLS.map(() => []);
  const upper: Interval<number>[][] = PROTOCOLS.map(() => []);
  const grants: Grant[] = [];
  for (const e of entries) {
    if (e.match === "no" || e.action !== "allow") continue;
    const f = e.ports ?? flat(e.traffic);
    for (let i = 0; i < f.length; i++) {
      for (const iv of f[i]) {
        upper[i].push(iv);
        if (e.match === "yes") lower[i].push(iv);
      }
    }
    grants.push({ rule: e.rule, traffic: e.traffic, certain: e.match === "yes" });
  }
  return { label, lower: trafficOf(lower), upper: trafficOf(upper), grants, denies: [], missing };
}

/** Per-protocol interval lists (unsorted, overlapping) as one TrafficSet, merged once. */
export function trafficOf(perProtocol: readonly Interval<number>[][]): TrafficSet {
  const specs: PortSpec[] = [];
  PROTOCOLS.forEach((protocol, i) => {
    if (perProtocol[i].length) for (const iv of RangeSet.from(perProtocol[i]).intervals) specs.push({ protocol, from: iv.from, to: iv.to });
  });
  return specs.length ? TrafficSet.fromSpecs(specs) : TrafficSet.EMPTY;
}

/**
 * Possibly allowed: certain rules claim; a "maybe" allow only marks (a later rule may still
 * take the same traffic); a "maybe" deny is ignored (it may not apply).
 */
function hiAction(e: Entry): PaintAction {
  return e.match === "yes" ? e.action : e.action === "allow" ? "mark" : "skip";
}

/** Certainly allowed: a "maybe" allow is ignored, a "maybe" deny is applied. */
function loAction(e: Entry): PaintAction {
  return e.match === "yes" || e.action === "deny" ? e.action : "skip";
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
  const entries: Entry[] = [];
  for (const e of ordered) if (e.match !== "no") entries.push(e);
  const wantRest = fallback.action === "allow";
  const hi = paint(entries, hiAction, { wantRest });
  // With nothing unknown both passes are the same painting.
  const lo = entries.every((e) => e.match === "yes") ? hi : paint(entries, loAction, { wantRest });
  let lower = lo.allowed;
  let upper = hi.allowed;
  if (wantRest) {
    upper = upper.union(hi.rest);
    lower = lower.union(lo.rest);
  }
  // Which rule took what is needed only to name rules, so it is painted again on demand.
  let detail: { grants: Grant[]; denies: Grant[] } | undefined;
  const details = () => {
    if (detail) return detail;
    const hiTaken = paint(entries, hiAction, { perRule: true }).taken;
    const loTaken = paint(entries, loAction, { perRule: true }).taken;
    const grants: Grant[] = [];
    const denies: Grant[] = [];
    entries.forEach((e, i) => {
      const t = (e.action === "allow" ? hiTaken : loTaken).get(i);
      if (t) (e.action === "allow" ? grants : denies).push({ rule: e.rule, traffic: t, certain: e.match === "yes" });
    });
    if (wantRest && !hi.rest.isEmpty()) grants.push({ rule: fallback.rule, traffic: hi.rest, certain: true });
    return (detail = { grants, denies });
  };
  return {
    label,
    lower,
    upper,
    get grants() {
      return details().grants;
    },
    get denies() {
      return details().denies;
    },
    fallback: fallback.action === "deny" ? fallback.rule : undefined,
    missing,
  };
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

/** Intersection with shortcuts for the common whole and empty sets (no allocation). */
export function meet(a: TrafficSet, b: TrafficSet): TrafficSet {
  if (a === TrafficSet.ALL) return b;
  if (b === TrafficSet.ALL) return a;
  if (a.isEmpty() || b.isEmpty()) return TrafficSet.EMPTY;
  return a.intersect(b);
}

/**
 * A path whose stages are computed only when needed: traffic stops at the first stage that
 * lets nothing through, and most pairs of a segmented stack stop at the first one. The rest
 * is computed on demand (to explain a block).
 */
export class LazyPath implements Path {
  private readonly done: Stage[] = [];
  private next = 0;

  /**
   * A step yields one stage, none (not needed on this path), or several checked in order. With a
   * `memo`, what passes a sequence of stages is computed once for every path that starts with it.
   */
  constructor(
    readonly label: string,
    private readonly steps: readonly (() => Stage | readonly Stage[] | undefined)[],
    private readonly memo?: WalkMemo,
  ) {}

  private advance(): boolean {
    while (this.next < this.steps.length) {
      const s = this.steps[this.next++]();
      if (!s) continue;
      if (!Array.isArray(s)) {
        this.done.push(s as Stage);
        return true;
      }
      if (s.length) {
        this.done.push(...s);
        return true;
      }
    }
    return false;
  }

  get stages(): readonly Stage[] {
    while (this.advance());
    return this.done;
  }

  /**
   * Indexes of the only steps that can yield an admission stage (Stage.role), when the builder of
   * the path knows them: the destination's admission alone is then judged without computing the
   * path's routes and NACLs. Undefined: every step may, and all are computed.
   */
  admissionSteps?: readonly number[];

  /** The path's admission stages, in order. */
  admissionStages(): readonly Stage[] {
    if (!this.admissionSteps) return this.stages.filter((s) => s.role === "admission");
    const out: Stage[] = [];
    for (const i of this.admissionSteps) {
      const s = this.steps[i]();
      for (const st of !s ? [] : Array.isArray(s) ? (s as readonly Stage[]) : [s as Stage]) if (st.role === "admission") out.push(st);
    }
    return out;
  }

  traffic(): { lower: TrafficSet; upper: TrafficSet } {
    const stage = (i: number) => (i < this.done.length || this.advance() ? this.done[i] : undefined);
    return this.memo ? this.memo.walk(stage) : walk(stage);
  }
}

interface WalkState {
  readonly lower: TrafficSet;
  readonly upper: TrafficSet;
  readonly client?: { lower: TrafficSet; upper: TrafficSet };
}

const START: WalkState = { lower: TrafficSet.ALL, upper: TrafficSet.ALL };

/**
 * What passes each sequence of stages, shared by the paths of one analysis: stages are cached
 * objects (one per rule set and peer class), so paths of many endpoint pairs begin with the same
 * ones (a tier's egress towards one peer class, the peer's NACL) and the meets are done once.
 * Same answers as {@link walk}, which the tests check.
 */
export class WalkMemo {
  /** A trie over stage sequences: each node is what passes the stages on the way to it. */
  private readonly root: MemoNode = { state: START };

  walk(stage: (i: number) => Stage | undefined): { lower: TrafficSet; upper: TrafficSet } {
    let node = this.root;
    for (let i = 0, s = stage(0); s; s = stage(++i)) {
      const children = (node.next ??= new Map());
      let child = children.get(s);
      if (!child) children.set(s, (child = { state: stepState(node.state, s) }));
      node = child;
      if (node.state.upper.isEmpty()) return { lower: TrafficSet.EMPTY, upper: TrafficSet.EMPTY };
    }
    return { lower: node.state.lower, upper: node.state.upper };
  }
}

interface MemoNode {
  readonly state: WalkState;
  next?: Map<Stage, MemoNode>;
}

function stepState(state: WalkState, s: Stage): WalkState {
  let lower = meet(state.lower, s.lower);
  let upper = meet(state.upper, s.upper);
  let client = state.client;
  if (s.clientPorts) {
    client = meetClientPorts(client, s.clientPorts);
    lower = meet(lower, served(client.lower));
    upper = meet(upper, served(client.upper));
  }
  return client ? { lower, upper, client } : { lower, upper };
}

/**
 * What passes every stage, stopping at the first that lets nothing through. Return checks also
 * meet their client ports: a protocol's requests pass only while some client port gets its
 * replies back through every return check so far (./reply).
 */
function walk(stage: (i: number) => Stage | undefined): { lower: TrafficSet; upper: TrafficSet } {
  let lower = TrafficSet.ALL;
  let upper = TrafficSet.ALL;
  let client: { lower: TrafficSet; upper: TrafficSet } | undefined;
  for (let i = 0, s = stage(0); s; s = stage(++i)) {
    lower = meet(lower, s.lower);
    upper = meet(upper, s.upper);
    if (s.clientPorts) {
      client = meetClientPorts(client, s.clientPorts);
      lower = meet(lower, served(client.lower));
      upper = meet(upper, served(client.upper));
    }
    if (upper.isEmpty()) return { lower: TrafficSet.EMPTY, upper: TrafficSet.EMPTY };
  }
  return { lower, upper };
}

export function pathTraffic(path: Path): { lower: TrafficSet; upper: TrafficSet } {
  if (path instanceof LazyPath) return path.traffic();
  const stages = path.stages;
  return walk((i) => stages[i]);
}

/** Why `traffic` does not make it along `path`: every stage that stops part of it, and how. */
export function explainPath(path: Path, traffic: TrafficSet): Block[] {
  const out: Block[] = [];
  let unexplained = traffic;
  for (const s of path.stages) {
    let blocked = traffic.subtract(s.upper);
    if (blocked.isEmpty()) continue;
    unexplained = unexplained.subtract(blocked);
    if (s.clientPorts) {
      out.push(...explainReturn(s, blocked));
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
  // Every check alone lets some of it through, but the return checks share no client port.
  if (!unexplained.isEmpty()) out.push(...explainDisjointReturns(path.stages, unexplained));
  return out;
}
