/**
 * The component's `intent` argument in the three forms users hold it: a YAML/JSON file path,
 * the document as written (IntentInput), or an already normalised Intent. Everything ends in
 * the same validated Intent, or one IntentError, before any resource exists.
 */
import { loadIntentFile, parseIntent, type Intent, type IntentInput } from "../../core/intent";

export type IntentArg = Intent | IntentInput | string;

/** A normalised Intent has resolved endpoints (objects) and destinations; a document has texts. */
function isNormalised(x: IntentArg): x is Intent {
  if (typeof x !== "object" || x === null) return false;
  const flows = (x as { flows?: unknown[] }).flows ?? [];
  const egress = (x as { egress?: unknown[] }).egress ?? [];
  return flows.some((f: any) => typeof f?.from === "object") || egress.some((e: any) => Array.isArray(e?.destinations));
}

/**
 * Resolves the argument. A normalised intent without flows or allow-lists is also a valid
 * document, so it simply goes through the parser again.
 */
export function resolveIntent(arg: IntentArg): Intent {
  if (typeof arg === "string") return loadIntentFile(arg);
  if (isNormalised(arg)) return arg;
  return parseIntent(arg, "the intent argument");
}
