/**
 * Why intended traffic does not get through: for each way the pair could take, the stages
 * that stop it and the rule (or missing rule) at each. Only traffic that no path possibly
 * allows is explained; traffic that hangs on an unknown is not "blocked".
 */
import type { TrafficSet } from "../net/ports";
import type { Block, PairResult } from "./model";
import { explainPath } from "./stage";

/** The blocks stopping `traffic` between the pair's endpoints, deduplicated by reason. */
export function explainBlocked(pair: PairResult, traffic: TrafficSet): Block[] {
  const blocked = traffic.subtract(pair.possible);
  if (blocked.isEmpty()) return [];
  const seen = new Set<string>();
  const out: Block[] = [];
  for (const path of pair.paths) {
    for (const b of explainPath(path, blocked)) {
      const reason = pair.paths.length > 1 ? `${b.reason} (${path.label})` : b.reason;
      if (seen.has(reason)) continue;
      seen.add(reason);
      out.push({ ...b, reason });
    }
  }
  return out;
}
