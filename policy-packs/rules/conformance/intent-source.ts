/**
 * Where the conformance rules find the intent: the pack config (`intent`, as YAML or JSON text
 * or as an object), else a netseg component in the stack that carries it (its `intent`
 * property, or `plan.intent`, as an object; a string there is a path relative to the program,
 * which the pack's process cannot read, so it is skipped). Returns the problem as text instead
 * of throwing, so a rule can say precisely why it could not run.
 */
import { parseIntentText, resolveIntent, IntentError, type Intent, type IntentInput } from "../../../core/intent";
import type { StackIndex } from "../../../core/resources";

export type IntentSource = { intent: Intent; from: string } | { problem: string };

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

export function findIntent(stack: StackIndex, configured: unknown): IntentSource | undefined {
  if (configured !== undefined && configured !== null && configured !== "") return parse(configured, "the policy config's intent");
  for (const r of stack.resources) {
    if (!r.type.startsWith("netseg:")) continue;
    const plan = r.props.plan;
    const v = [r.props.intent, isObject(plan) ? plan.intent : undefined].find(isObject);
    if (v) return parse(v, `the intent of ${r.urn}`);
  }
  return undefined;
}
