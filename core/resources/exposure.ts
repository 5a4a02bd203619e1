/**
 * Which traffic the whole internet can send (or be sent), given a set of rules judged as ranges.
 *
 * Security groups are allow-only and additive: traffic is open to the internet when the union of
 * the addresses of the rules matching it covers the internet, even if no single rule does
 * (`0.0.0.0/1` in one rule and `128.0.0.0/1` in another). NACLs are ordered: the first matching
 * entry decides, so a deny before an allow closes what the allow would open.
 *
 * Ports are not enumerated: the port line is cut at every rule boundary, and each piece is
 * judged once (every rule matches all of a piece or none of it).
 */
import { CidrSet, PROTOCOLS, TrafficSet, type Protocol } from "../net";

/** A rule as this module needs it: certain traffic and addresses, plus upper bounds. */
export interface AddressRule<T> {
  readonly traffic: TrafficSet;
  readonly trafficComplete: boolean;
  readonly cidrs: CidrSet;
  readonly cidrsComplete: boolean;
  readonly ref: T;
}

export interface Piece {
  readonly protocol: Protocol;
  readonly from: number;
  readonly to: number;
}

/** Cuts `probe` into pieces on which every given traffic set is constant. */
export function pieces(probe: TrafficSet, sets: readonly TrafficSet[]): Piece[] {
  const out: Piece[] = [];
  for (const protocol of PROTOCOLS) {
    for (const iv of probe.ports(protocol).intervals) {
      const cuts = new Set<number>([iv.from, iv.to + 1]);
      for (const s of sets) {
        for (const r of s.ports(protocol).intervals) {
          if (r.from > iv.from && r.from <= iv.to) cuts.add(r.from);
          if (r.to + 1 > iv.from && r.to + 1 <= iv.to) cuts.add(r.to + 1);
        }
      }
      const sorted = [...cuts].sort((a, b) => a - b);
      for (let i = 0; i + 1 < sorted.length; i++) out.push({ protocol, from: sorted[i], to: sorted[i + 1] - 1 });
    }
  }
  return out;
}

function pieceTraffic(p: Piece): TrafficSet {
  return TrafficSet.of(p.protocol, p.from, p.to);
}

function matchesPiece(t: TrafficSet, p: Piece): boolean {
  return t.ports(p.protocol).has(p.from);
}

export interface WorldExposure<T> {
  /** Traffic certainly open to the whole internet (IPv4 or IPv6). */
  readonly traffic: TrafficSet;
  /** The rules that together open it. */
  readonly rules: readonly T[];
  /** The addresses those rules name, for messages. */
  readonly cidrs: CidrSet;
}

/** Allow-only rules (security groups): traffic whose matching rules together cover the internet. */
export function additiveWorldExposure<T>(rules: readonly AddressRule<T>[], probe: TrafficSet = TrafficSet.ALL): WorldExposure<T> {
  let traffic = TrafficSet.EMPTY;
  const used = new Set<AddressRule<T>>();
  let cidrs = CidrSet.EMPTY;
  for (const p of pieces(probe, rules.map((r) => r.traffic))) {
    const matching = rules.filter((r) => matchesPiece(r.traffic, p) && !r.cidrs.isEmpty());
    const union = matching.reduce((acc, r) => acc.union(r.cidrs), CidrSet.EMPTY);
    if (union.isWorld()) {
      traffic = traffic.union(pieceTraffic(p));
      // Name the rules that open the internet on their own; failing that, every rule adding public space.
      const alone = matching.filter((r) => r.cidrs.isWorld());
      for (const r of alone.length > 0 ? alone : matching.filter((m) => m.cidrs.reachesPublic())) used.add(r);
      cidrs = cidrs.union(alone.length > 0 ? alone.reduce((acc, r) => acc.union(r.cidrs), CidrSet.EMPTY) : union);
    }
  }
  return { traffic, rules: rules.filter((r) => used.has(r)).map((r) => r.ref), cidrs };
}

export interface OrderedRule<T> extends AddressRule<T> {
  /** Evaluation order (NACL rule number); undefined when unknown. */
  readonly order: number | undefined;
  /** undefined when unknown. */
  readonly allow: boolean | undefined;
}

export interface OrderedExposure<T> {
  readonly rule: T;
  /** Traffic this allow entry certainly opens to part of the public internet. */
  readonly traffic: TrafficSet;
  /** Public addresses it certainly lets through, after earlier entries. */
  readonly cidrs: CidrSet;
  /** The other allow entries whose addresses, with this entry's, make up the whole internet on that traffic (empty when it does alone). */
  readonly together: readonly T[];
}

const PUBLIC = CidrSet.WORLD.subtract(CidrSet.PRIVATE).subtract(CidrSet.NON_PUBLIC);
const NOT_PUBLIC = CidrSet.PRIVATE.union(CidrSet.NON_PUBLIC);

/**
 * First-match rules (NACL entries): the allow entries that the public internet still reaches in
 * rule order, on each piece of traffic, whose addresses together are the whole internet: one
 * `0.0.0.0/0` entry, or `0.0.0.0/1` and `128.0.0.0/1` in two entries, as the security-group check
 * adds rules up. An allow counts when some public address reaches it (no earlier entry decided
 * it); an allow that earlier entries shadow entirely adds nothing. Unknown parts count against
 * a finding: an entry of unknown number or action is assumed to be a deny placed first, with
 * its widest possible addresses and traffic.
 */
export function orderedWorldExposure<T>(rules: readonly OrderedRule<T>[], probe: TrafficSet = TrafficSet.ALL): OrderedExposure<T>[] {
  const known = rules.filter((r) => r.order !== undefined && r.allow !== undefined).sort((a, b) => (a.order as number) - (b.order as number));
  const vague = rules.filter((r) => r.order === undefined || r.allow === undefined);
  const upperCidrs = (r: AddressRule<T>) => (r.cidrsComplete ? r.cidrs : CidrSet.WORLD);
  const upperMatches = (r: AddressRule<T>, p: Piece) => !r.trafficComplete || matchesPiece(r.traffic, p);
  const found = new Map<OrderedRule<T>, { traffic: TrafficSet; cidrs: CidrSet; together: Set<OrderedRule<T>> }>();
  for (const p of pieces(probe, rules.map((r) => r.traffic))) {
    let undecided = PUBLIC;
    for (const r of vague) if (upperMatches(r, p)) undecided = undecided.subtract(upperCidrs(r));
    const reached: { rule: OrderedRule<T>; opened: CidrSet }[] = [];
    for (const r of known) {
      if (undecided.isEmpty()) break;
      if (r.allow) {
        if (!matchesPiece(r.traffic, p)) continue;
        const opened = undecided.intersect(r.cidrs);
        if (!opened.isEmpty()) reached.push({ rule: r, opened });
        undecided = undecided.subtract(r.cidrs);
      } else if (upperMatches(r, p)) {
        undecided = undecided.subtract(upperCidrs(r));
      }
    }
    // Space that is never the internet (private, loopback...) need not be named for the rest to be the whole internet.
    const union = reached.reduce((acc, x) => acc.union(x.rule.cidrs), NOT_PUBLIC);
    if (!union.isWorld()) continue;
    // Name the entries that open the internet on their own; failing that, every entry it takes together.
    const alone = reached.filter((x) => x.rule.cidrs.isWorld());
    const named = alone.length > 0 ? alone : reached;
    for (const x of named) {
      const prev = found.get(x.rule) ?? { traffic: TrafficSet.EMPTY, cidrs: CidrSet.EMPTY, together: new Set<OrderedRule<T>>() };
      if (alone.length === 0) for (const o of reached) if (o !== x) prev.together.add(o.rule);
      found.set(x.rule, { traffic: prev.traffic.union(pieceTraffic(p)), cidrs: prev.cidrs.union(x.opened), together: prev.together });
    }
  }
  return rules
    .filter((r) => found.has(r))
    .map((r) => {
      const f = found.get(r) as { traffic: TrafficSet; cidrs: CidrSet; together: Set<OrderedRule<T>> };
      return { rule: r.ref, traffic: f.traffic, cidrs: f.cidrs, together: rules.filter((o) => f.together.has(o)).map((o) => o.ref) };
    });
}

/**
 * Entries that can never match because earlier ones take all of their traffic and addresses.
 * Sound, not complete: an entry is reported only when, on every piece of its traffic, the
 * earlier entries matching that piece together cover its addresses.
 */
export function shadowedRules<T>(rules: readonly OrderedRule<T>[]): { rule: T; by: T[] }[] {
  // Earlier entries take traffic by their certain parts; a shadowed entry must be wholly known.
  const known = rules.filter((r) => r.order !== undefined).sort((a, b) => (a.order as number) - (b.order as number));
  const out: { rule: T; by: T[] }[] = [];
  known.forEach((r, i) => {
    if (!r.trafficComplete || !r.cidrsComplete || r.traffic.isEmpty() || r.cidrs.isEmpty()) return;
    const earlier = known.slice(0, i);
    const by = new Set<OrderedRule<T>>();
    const covered = pieces(r.traffic, earlier.map((e) => e.traffic)).every((p) => {
      const m = earlier.filter((e) => matchesPiece(e.traffic, p));
      const ok = m.reduce((acc, e) => acc.union(e.cidrs), CidrSet.EMPTY).covers(r.cidrs);
      if (ok) m.filter((e) => e.cidrs.overlaps(r.cidrs)).forEach((e) => by.add(e));
      return ok;
    });
    if (covered) out.push({ rule: r.ref, by: earlier.filter((e) => by.has(e)).map((e) => e.ref) });
  });
  return out;
}

/**
 * What both redundancy checks share: rules in order, each wholly known one (`judged`) checked
 * against the others still standing (not already found redundant; of identical rules the later
 * ones are named, the first kept); `cover` returns the others that cover it, or undefined.
 */
function redundantAmong<R extends { readonly ref: T }, T>(
  rules: readonly R[],
  judged: (r: R) => boolean,
  identical: (a: R, b: R) => boolean,
  cover: (r: R, others: readonly R[]) => ReadonlySet<R> | undefined,
): { rule: T; by: T[] }[] {
  const out: { rule: T; by: T[] }[] = [];
  const redundant = new Set<R>();
  rules.forEach((r, i) => {
    if (!judged(r)) return;
    const others = rules.filter((o, j) => o !== r && !redundant.has(o) && !(j > i && identical(o, r)));
    const by = cover(r, others);
    if (by) {
      redundant.add(r);
      out.push({ rule: r.ref, by: others.filter((o) => by.has(o)).map((o) => o.ref) });
    }
  });
  return out;
}

/**
 * Allow-only rules made redundant by the others: every piece of its traffic, from each of its
 * addresses, is also allowed by other rules. Among identical rules only the later ones are named.
 */
export function redundantRules<T>(rules: readonly AddressRule<T>[]): { rule: T; by: T[] }[] {
  // Others allow by their certain parts; a redundant rule must be wholly known.
  const usable = rules.filter((r) => !r.traffic.isEmpty() && !r.cidrs.isEmpty());
  return redundantAmong(
    usable,
    (r) => r.trafficComplete && r.cidrsComplete,
    (a, b) => a.traffic.equals(b.traffic) && a.cidrs.equals(b.cidrs),
    (r, others) => {
      const by = new Set<AddressRule<T>>();
      const covered = pieces(r.traffic, others.map((o) => o.traffic)).every((p) => {
        const m = others.filter((o) => matchesPiece(o.traffic, p));
        const ok = m.reduce((acc, o) => acc.union(o.cidrs), CidrSet.EMPTY).covers(r.cidrs);
        if (ok) m.filter((o) => o.cidrs.overlaps(r.cidrs)).forEach((o) => by.add(o));
        return ok;
      });
      return covered ? by : undefined;
    },
  );
}

/** An allow rule whose peers are security groups by reference (`self` for its own group). */
export interface ReferenceRule<T> {
  readonly traffic: TrafficSet;
  /** Known references only. */
  readonly references: readonly string[];
  /** Traffic known, no address or unknown reference beside the references: it can be judged. */
  readonly judged: boolean;
  readonly ref: T;
}

/**
 * Rules that admit groups by reference, each of whose references the other rules naming it
 * already admit for all of its traffic. Others count with what is certain about them.
 */
export function redundantReferenceRules<T>(rules: readonly ReferenceRule<T>[]): { rule: T; by: T[] }[] {
  return redundantAmong(
    rules,
    (r) => r.judged && r.references.length > 0 && !r.traffic.isEmpty(),
    (a, b) => a.traffic.equals(b.traffic) && a.references.join() === b.references.join(),
    (r, others) => {
      const by = new Set<ReferenceRule<T>>();
      for (const reference of r.references) {
        const same = others.filter((o) => o.references.includes(reference));
        const union = same.reduce((acc, o) => acc.union(o.traffic), TrafficSet.EMPTY);
        if (!r.traffic.subtract(union).isEmpty()) return undefined;
        same.filter((o) => !o.traffic.intersect(r.traffic).isEmpty()).forEach((o) => by.add(o));
      }
      return by;
    },
  );
}
