/**
 * Where the conformance rules find the intents: the pack config (`intent`, as YAML or JSON text
 * or as an object), which applies to every platform with an endpoint for one of its zones; else
 * every netseg component in the stack that carries one (its `intent` property, or `plan.intent`
 * for stacks registered by netseg versions whose SegmentedVpc registered its whole plan, as an
 * object; a string there is a path relative to the program, which the pack's process cannot read,
 * so it is skipped), applying to that component's platform (`netseg:aws:*` -> aws,
 * and so on), and to the tenant its `netseg:tenant` tag names, if any (a tenant VPC's intent
 * covers that tenant's zones only). The same intent on several components applies to each of their platforms. A
 * problem is returned as text instead of thrown, so a rule can say precisely why it could not run.
 */
import { parseIntentText, resolveIntent, IntentError, type Intent, type IntentInput } from "../../../core/intent";
import { componentPlatform, componentTenant, mergeScoped, type ScopedIntent } from "../../../core/reachability";
import type { StackIndex } from "../../../core/resources";

export type IntentSource = { intent: Intent; from: string } | { problem: string };

export interface IntentSources {
  /** Distinct by name, sorted by name, each with its platforms (none: unscoped). */
  readonly intents: readonly ScopedIntent[];
  /** Intents found but not readable, as sentences. */
  readonly problems: readonly string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function parse(value: unknown, from: string): IntentSource {
  try {
    if (typeof value === "string") return { intent: parseIntentText(value, from), from };
    if (isObject(value)) return { intent: resolveIntent(value as unknown as IntentInput, from), from };
    return { problem: `${from} is neither YAML/JSON text nor an object` };
  } catch (e) {
    return { problem: e instanceof IntentError ? e.message : `${from}: ${(e as Error).message}` };
  }
}

export function findIntents(stack: StackIndex, configured: unknown): IntentSources {
  if (configured !== undefined && configured !== null && configured !== "") {
    const s = parse(configured, "the policy config's intent");
    return "problem" in s ? { intents: [], problems: [s.problem] } : { intents: [{ intent: s.intent }], problems: [] };
  }
  const found: ScopedIntent[] = [];
  const problems: string[] = [];
  for (const r of stack.resources) {
    if (!r.type.startsWith("netseg:")) continue;
    const plan = r.props.plan;
    const v = [r.props.intent, isObject(plan) ? plan.intent : undefined].find(isObject);
    if (!v) continue;
    const s = parse(v, `the intent of ${r.urn}`);
    if ("problem" in s) problems.push(s.problem);
    else {
      const platform = componentPlatform(r.type);
      const tenant = componentTenant(r.props.tags);
      found.push({ intent: s.intent, ...(platform ? { platforms: [platform] } : {}), ...(tenant ? { tenant } : {}) });
    }
  }
  return { intents: mergeScoped(found), problems };
}
