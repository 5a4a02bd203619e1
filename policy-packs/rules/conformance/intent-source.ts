/**
 * Where the conformance rules find the intent: the pack config (`intent`, as YAML or JSON text
 * or as an object), else a netseg component in the stack that carries it in its properties
 * (`intent`, object or text). Returns the problem as text instead of throwing, so a rule can
 * say precisely why it could not run.
 */
import { parseIntent, parseIntentText, IntentError, type Intent } from "../../../core/intent";
import type { StackIndex } from "../../../core/resources";

export type IntentSource = { intent: Intent; from: string } | { problem: string };

function parse(value: unknown, from: string): IntentSource {
  try {
    if (typeof value === "string") return { intent: parseIntentText(value, from), from };
    if (typeof value === "object" && value !== null) return { intent: parseIntent(value, from), from };
    return { problem: `${from} is neither YAML/JSON text nor an object` };
  } catch (e) {
    return { problem: e instanceof IntentError ? e.message : `${from}: ${(e as Error).message}` };
  }
}

export function findIntent(stack: StackIndex, configured: unknown): IntentSource | undefined {
  if (configured !== undefined && configured !== null && configured !== "") return parse(configured, "the policy config's intent");
  for (const r of stack.resources) {
    if (!r.type.startsWith("netseg:")) continue;
    const v = r.props.intent;
    if ((typeof v === "string" && v.trim() !== "") || (typeof v === "object" && v !== null && !Array.isArray(v))) return parse(v, `the intent of ${r.urn}`);
  }
  return undefined;
}
