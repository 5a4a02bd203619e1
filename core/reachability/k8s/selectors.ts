/**
 * Kubernetes label selectors, judged three-valued: a pod's labels are known when netseg knows
 * the workload, a namespace's labels only when the stack declares it (otherwise just the
 * API-server-set `kubernetes.io/metadata.name` is certain, and any other key is a "maybe").
 */
import { rec, str, strings, triAnd, UNKNOWN, type Tri } from "../values";

export interface LabelSet {
  readonly labels: Readonly<Record<string, string>>;
  /** False when other labels may exist that netseg cannot see. */
  readonly complete: boolean;
}

/** Matches a LabelSelector object; `undefined` (no selector) is the caller's business. */
export function matchSelector(selector: unknown, target: LabelSet): Tri {
  const sel = rec(selector);
  if (sel === UNKNOWN) return "maybe";
  if (sel === undefined) return "yes";
  let result: Tri = "yes";
  const ml = rec(sel.matchLabels);
  if (ml === UNKNOWN) result = "maybe";
  else if (ml) {
    for (const [k, v] of Object.entries(ml)) {
      const want = str(v);
      result = triAnd(result, want === UNKNOWN ? "maybe" : keyIn(target, k, [String(want)]));
      if (result === "no") return "no";
    }
  }
  const exprs = sel.matchExpressions;
  if (exprs !== undefined && exprs !== null) {
    if (!Array.isArray(exprs)) return triAnd(result, "maybe");
    for (const x of exprs) {
      const e = rec(x);
      if (!e || e === UNKNOWN) {
        result = triAnd(result, "maybe");
        continue;
      }
      const key = str(e.key);
      const op = str(e.operator);
      const vals = strings(e.values);
      if (typeof key !== "string" || typeof op !== "string" || vals.unknown) {
        result = triAnd(result, "maybe");
        continue;
      }
      result = triAnd(result, expression(target, key, op, vals.values));
      if (result === "no") return "no";
    }
  }
  return result;
}

function keyIn(target: LabelSet, key: string, values: readonly string[]): Tri {
  const v = target.labels[key];
  if (v !== undefined) return values.includes(v) ? "yes" : "no";
  return target.complete ? "no" : "maybe";
}

function expression(target: LabelSet, key: string, op: string, values: readonly string[]): Tri {
  const has = target.labels[key] !== undefined;
  const unsure = !has && !target.complete;
  switch (op) {
    case "In":
      return keyIn(target, key, values);
    case "NotIn":
      return unsure ? "maybe" : has && values.includes(target.labels[key]) ? "no" : "yes";
    case "Exists":
      return has ? "yes" : unsure ? "maybe" : "no";
    case "DoesNotExist":
      return has ? "no" : unsure ? "maybe" : "yes";
    default:
      return "no";
  }
}
