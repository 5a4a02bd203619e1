/**
 * Why intended traffic does not get through: for each way the pair could take, the stages
 * that stop it and the rule (or missing rule) at each. Only traffic that no path possibly
 * allows is explained; traffic that hangs on an unknown is not "blocked".
 */
import type { TrafficSet } from "../net/ports";
import type { Block, PairResult, Path } from "./model";
import { explainPath, pathTraffic } from "./stage";
import { narrowedReplies } from "./reply";

/**
 * The blocks stopping `traffic` between the pair's endpoints, deduplicated by reason. A reason
 * names its way when the pair has several, and its address classes (`internet (IPv6) -> web`)
 * when it holds for only some classes of the way.
 */
export function explainBlocked(pair: PairResult, traffic: TrafficSet): Block[] {
  const blocked = traffic.subtract(pair.possible);
  if (blocked.isEmpty()) return [];
  const ways = new Map<string, Path[]>();
  for (const path of pair.paths) {
    const way = path.way ?? path.label;
    ways.set(way, [...(ways.get(way) ?? []), path]);
  }
  const seen = new Set<string>();
  const out: Block[] = [];
  const push = (b: Block, label: string | undefined) => {
    const reason = label ? `${b.reason} (${label})` : b.reason;
    if (seen.has(reason)) return;
    seen.add(reason);
    out.push({ ...b, reason });
  };
  for (const [way, paths] of ways) {
    const perPath = paths.map((p) => explainPath(p, blocked));
    const everywhere = (b: Block) => perPath.every((bs) => bs.some((x) => x.reason === b.reason));
    perPath.forEach((bs, i) => {
      for (const b of bs) push(b, paths.length > 1 && !everywhere(b) ? paths[i].label : ways.size > 1 ? way : undefined);
    });
  }
  return out;
}

/** How some traffic fares on each way between a pair (each pair of address classes, each subnet pairing). */
export interface CutReport {
  /** Ways that certainly carry all of it, by label: `internet (IPv4, all but 203.0.113.0/24) -> web`. */
  readonly passes: readonly string[];
  /** Ways that carry it only if values unknown at preview turn out favourably. */
  readonly uncertain: readonly string[];
  /** What stops it on the other ways, each reason ending with the way's label. */
  readonly blocks: readonly Block[];
}

/**
 * Which parts of a pair `traffic` reaches and which are cut, and by what: a pair is allowed
 * when some way is, so a rule that cuts part of an endpoint (a deny of one /24 of the internet)
 * shows here, not in `explainBlocked`.
 */
export function explainCut(pair: PairResult, traffic: TrafficSet): CutReport {
  const passes: string[] = [];
  const uncertain: string[] = [];
  const blocks: Block[] = [];
  for (const path of pair.paths) {
    const t = pathTraffic(path);
    if (t.lower.covers(traffic)) passes.push(path.label);
    else if (t.upper.covers(traffic)) uncertain.push(path.label);
    else for (const b of explainPath(path, traffic)) blocks.push({ ...b, reason: `${b.reason} (${path.label})` });
  }
  return { passes, uncertain, blocks };
}

/**
 * Where `traffic` passes only for some client ports (replies through a stateless filter refused
 * on part of the ephemeral range): `tcp replies pass on client ports 1024-3388, 3390-65535 only
 * (of 1024-65535)`, per distinct answer, naming the paths when they differ. Empty when every
 * path that carries it takes replies on the whole range (or has no stateless return check).
 */
export function explainReplies(pair: PairResult, traffic: TrafficSet): string[] {
  const byText = new Map<string, string[]>();
  let carrying = 0;
  for (const path of pair.paths) {
    const carried = pathTraffic(path).upper.intersect(traffic);
    if (carried.isEmpty()) continue;
    carrying++;
    const text = narrowedReplies(path, carried);
    if (text) byText.set(text, [...(byText.get(text) ?? []), path.label]);
  }
  const some = (labels: string[]) => (labels.length > 3 ? `${labels.slice(0, 3).join(", ")} and ${labels.length - 3} more` : labels.join(", "));
  return [...byText].map(([text, labels]) => (labels.length === carrying ? text : `${text} (${some(labels)})`));
}
