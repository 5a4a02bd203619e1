/**
 * Components take their `intent` in the three forms users hold it: the path of a YAML/JSON
 * file, the document as written (IntentInput), or an Intent already normalised by parseIntent.
 * Every form ends in the same validated Intent, or one IntentError, before any resource exists.
 */
import type { Intent } from "./types";
import type { IntentInput } from "./schema";
import { loadIntentFile } from "./load";
import { parseIntent, isNormalised } from "./validate";

export type IntentArg = Intent | IntentInput | string;

export function resolveIntent(arg: IntentArg, source = "the intent argument"): Intent {
  if (typeof arg === "string") return loadIntentFile(arg);
  if (isNormalised(arg)) return arg;
  return parseIntent(arg, source);
}
