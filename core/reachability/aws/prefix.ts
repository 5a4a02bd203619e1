/**
 * Longest-prefix match over a set of destination addresses, as VPC and transit gateway route
 * tables decide: every address goes by the most specific route covering it. A destination here
 * is a zone's or a network's whole address set, so the answer is the routes that decide some
 * part of it, each with that part. Routes whose destination is unknown at preview cannot be
 * placed in the order; they are returned apart, for the caller to weigh as "maybe".
 */
import type { CidrSet } from "../../net/cidr";

export interface Prefixed {
  readonly dest: CidrSet;
  readonly destUnknown: boolean;
}

export interface Decision<R> {
  readonly route: R;
  /** The part of the destination this route decides. */
  readonly part: CidrSet;
}

/** Most specific first; among equal prefixes, `rank` (lower first) breaks the tie. */
const sorted = new WeakMap<readonly Prefixed[], { known: Prefixed[]; unknown: Prefixed[] }>();

function order<R extends Prefixed>(routes: readonly R[], rank: (r: R) => number): { known: R[]; unknown: R[] } {
  const cached = sorted.get(routes);
  if (cached) return cached as { known: R[]; unknown: R[] };
  const known = routes.filter((r) => !r.destUnknown && !r.dest.isEmpty());
  const prefix = new Map<R, number>(known.map((r) => [r, Math.min(...r.dest.toCidrs().map((c) => c.prefix))]));
  known.sort((a, b) => prefix.get(b)! - prefix.get(a)! || rank(a) - rank(b));
  const out = { known, unknown: routes.filter((r) => r.destUnknown) };
  sorted.set(routes, out);
  return out;
}

/**
 * The routes deciding `dest`, most specific first, each with the part it decides, plus what no
 * route covers and the routes of unknown destination (which may be more specific than any).
 * Call only once the table's routes are complete: the order is cached per route list.
 */
export function longestPrefix<R extends Prefixed>(routes: readonly R[], dest: CidrSet, rank: (r: R) => number = () => 0): { decided: Decision<R>[]; rest: CidrSet; unknown: R[] } {
  const { known, unknown } = order(routes, rank);
  const decided: Decision<R>[] = [];
  let rest = dest;
  for (const route of known) {
    if (rest.isEmpty()) break;
    if (!route.dest.overlaps(rest)) continue;
    const part = rest.intersect(route.dest);
    decided.push({ route, part });
    rest = rest.subtract(part);
  }
  return { decided, rest, unknown };
}
