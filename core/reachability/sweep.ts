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
  /** Traffic no rule claimed. */
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

/** Port intervals per protocol of a traffic set, flattened once per set (rules share their sets). */
const flatCache = new WeakMap<TrafficSet, readonly (readonly { from: number; to: number }[])[]>();
function flat(t: TrafficSet): readonly (readonly { from: number; to: number }[])[] {
  let f = flatCache.get(t);
  if (!f) {
    f = PROTOCOLS.map((p) => t.ports(p).intervals);
    flatCache.set(t, f);
  }
  return f;
}

/**
 * Paints `rules` (traffic, action) in order and returns what is allowed and what is left;
 * with `perRule`, also what each rule took (for explanations, so computed only when asked).
 */
export function paint(rules: readonly { traffic: TrafficSet; action: PaintAction }[], perRule = false): Painted {
  const allowedSpecs: PortSpec[] = [];
  const restSpecs: PortSpec[] = [];
  const takenSpecs = new Map<number, PortSpec[]>();
  const push = (list: PortSpec[], s: PortSpec) => {
    const last = list[list.length - 1];
    if (last && last.protocol === s.protocol && last.to + 1 === s.from) list[list.length - 1] = { protocol: s.protocol, from: last.from, to: s.to };
    else list.push(s);
  };
  const take = (i: number, s: PortSpec) => {
    const l = takenSpecs.get(i);
    if (l) l.push(s);
    else takenSpecs.set(i, [s]);
  };
  const flats = rules.map((r) => (r.action === "skip" ? undefined : flat(r.traffic)));
  PROTOCOLS.forEach((proto: Protocol, pi) => {
    const cuts: number[] = [0, MAX_PORT + 1];
    for (const f of flats) if (f) for (const iv of f[pi]) cuts.push(iv.from, iv.to + 1);
    if (cuts.length === 2) {
      // No rule speaks of this protocol: all of it is left.
      restSpecs.push({ protocol: proto, from: 0, to: MAX_PORT });
      return;
    }
    cuts.sort((a, b) => a - b);
    const bounds: number[] = [];
    for (const c of cuts) if (bounds[bounds.length - 1] !== c) bounds.push(c);
    const n = bounds.length - 1; // segments [bounds[k], bounds[k+1])
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
    rules.forEach((r, i) => {
      const f = flats[i];
      if (!f) return;
      for (const iv of f[pi]) {
        const first = segOf(iv.from);
        const last = segOf(iv.to);
        for (let k = find(next, first); k <= last; k = find(next, k + 1)) {
          const seg = { protocol: proto, from: bounds[k], to: bounds[k + 1] - 1 };
          if (perRule) take(i, seg);
          if (r.action === "mark") {
            if (!marked[k]) push(allowedSpecs, seg);
            marked[k] = 1;
            continue;
          }
          if (r.action === "allow" && !marked[k]) push(allowedSpecs, seg);
          next[k] = k + 1;
        }
      }
    });
    for (let k = find(next, 0); k < n; k = find(next, k + 1)) push(restSpecs, { protocol: proto, from: bounds[k], to: bounds[k + 1] - 1 });
  });
  const taken = new Map<number, TrafficSet>();
  for (const [i, specs] of takenSpecs) taken.set(i, TrafficSet.fromSpecs(specs));
  return { allowed: TrafficSet.fromSpecs(allowedSpecs), taken, rest: TrafficSet.fromSpecs(restSpecs) };
}
