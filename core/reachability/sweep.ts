/**
 * First-match evaluation by painting, for long ordered rule lists (NACLs with hundreds of
 * entries, firewalls by priority). Per protocol, the port line is cut at every rule boundary;
 * rules are then taken in order and each claims the segments no earlier rule claimed, skipping
 * claimed runs with a union-find "next free segment" pointer. Cost is about E log E per list
 * instead of E set operations on a shrinking remainder, and it allocates little.
 */
import { MAX_PORT, PROTOCOLS, TrafficSet, type PortSpec, type Protocol } from "../net/ports";

/** What a rule does in one pass: claim (allow or deny) the segments it reaches, or only mark them. */
export type PaintAction = "allow" | "deny" | "mark" | "skip";

export interface Painted {
  /** Union of segments claimed by "allow" or marked by "mark". */
  readonly allowed: TrafficSet;
  /** Per rule index, the traffic it claimed (allow/deny) or marked; only non-empty ones. */
  readonly taken: Map<number, TrafficSet>;
  /** Traffic no rule claimed (only when asked for). */
  readonly rest: TrafficSet;
}

function find(next: Int32Array, i: number): number {
  let r = i;
  while (next[r] !== r) r = next[r];
  while (next[i] !== r) {
    const n = next[i];
    next[i] = r;
    i = n;
  }
  return r;
}

/** Port intervals of a traffic set, one list per protocol in PROTOCOLS order. */
export type FlatPorts = readonly (readonly { from: number; to: number }[])[];

/** Port intervals per protocol of a traffic set, flattened once per set (rules share their sets). */
const flatCache = new WeakMap<TrafficSet, readonly (readonly { from: number; to: number }[])[]>();
export function flat(t: TrafficSet): readonly (readonly { from: number; to: number }[])[] {
  if (t === lastSet) return lastFlat!;
  let f = flatCache.get(t);
  if (!f) {
    f = PROTOCOLS.map((p) => t.ports(p).intervals);
    flatCache.set(t, f);
  }
  lastSet = t;
  lastFlat = f;
  return f;
}
let lastSet: TrafficSet | undefined;
let lastFlat: readonly (readonly { from: number; to: number }[])[] | undefined;

/**
 * Paints `rules` in order, each with the action `actionOf` gives it, and returns what is
 * allowed; with `wantRest`, what no rule claimed; with `perRule`, what each rule took (for
 * explanations, so computed only when asked).
 */
export function paint<R extends { traffic: TrafficSet; ports?: FlatPorts }>(rules: readonly R[], actionOf: (r: R) => PaintAction, opts: { perRule?: boolean; wantRest?: boolean } = {}): Painted {
  const allowedSpecs: PortSpec[] = [];
  const restSpecs: PortSpec[] = [];
  const takenSpecs = new Map<number, PortSpec[]>();
  const push = (list: PortSpec[], protocol: Protocol, from: number, to: number) => {
    const last = list[list.length - 1];
    if (last && last.protocol === protocol && last.to + 1 === from) list[list.length - 1] = { protocol, from: last.from, to };
    else list.push({ protocol, from, to });
  };
  const actions = rules.map(actionOf);
  const flats = rules.map((r, i) => (actions[i] === "skip" ? undefined : r.ports ?? flat(r.traffic)));
  PROTOCOLS.forEach((proto: Protocol, pi) => {
    let count = 2;
    for (const f of flats) if (f) count += 2 * f[pi].length;
    if (count === 2) {
      if (opts.wantRest) restSpecs.push({ protocol: proto, from: 0, to: MAX_PORT });
      return;
    }
    const cuts = new Int32Array(count);
    let c = 0;
    cuts[c++] = 0;
    cuts[c++] = MAX_PORT + 1;
    for (const f of flats) {
      if (!f) continue;
      for (const iv of f[pi]) {
        cuts[c++] = iv.from;
        cuts[c++] = iv.to + 1;
      }
    }
    cuts.sort();
    const bounds = new Int32Array(count);
    let n1 = 0;
    for (let k = 0; k < count; k++) if (n1 === 0 || bounds[n1 - 1] !== cuts[k]) bounds[n1++] = cuts[k];
    const n = n1 - 1; // segments [bounds[k], bounds[k+1])
    const next = new Int32Array(n + 1);
    for (let k = 0; k <= n; k++) next[k] = k;
    const marked = new Uint8Array(n);
    const segOf = (port: number) => {
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (bounds[mid] <= port) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    for (let i = 0; i < rules.length; i++) {
      const f = flats[i];
      if (!f) continue;
      const action = actions[i];
      for (const iv of f[pi]) {
        const last = segOf(iv.to);
        for (let k = find(next, segOf(iv.from)); k <= last; k = find(next, k + 1)) {
          const from = bounds[k];
          const to = bounds[k + 1] - 1;
          if (opts.perRule) {
            const l = takenSpecs.get(i);
            if (l) l.push({ protocol: proto, from, to });
            else takenSpecs.set(i, [{ protocol: proto, from, to }]);
          }
          if (action === "mark") {
            if (!marked[k]) push(allowedSpecs, proto, from, to);
            marked[k] = 1;
            continue;
          }
          if (action === "allow" && !marked[k]) push(allowedSpecs, proto, from, to);
          next[k] = k + 1;
        }
      }
    }
    if (opts.wantRest) for (let k = find(next, 0); k < n; k = find(next, k + 1)) push(restSpecs, proto, bounds[k], bounds[k + 1] - 1);
  });
  const taken = new Map<number, TrafficSet>();
  for (const [i, specs] of takenSpecs) taken.set(i, TrafficSet.fromSpecs(specs));
  return { allowed: allowedSpecs.length ? TrafficSet.fromSpecs(allowedSpecs) : TrafficSet.EMPTY, taken, rest: restSpecs.length ? TrafficSet.fromSpecs(restSpecs) : TrafficSet.EMPTY };
}
