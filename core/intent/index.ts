export * from "./types";
export * from "./errors";
export { IntentSchema, NAME_PATTERN, MAX_NAME_LENGTH, type IntentInput, type IntentDocument } from "./schema";
export { parseIntent, normaliseIntent, isNormalised, unpinnedSlots, SMALLEST_SUBNET_PREFIX } from "./validate";
export { resolveIntent, type IntentArg } from "./resolve";
export { parseIntentText, loadIntentFile } from "./load";
export { intentJsonSchema } from "./json-schema";
export { pinSlots, type PinResult } from "./pin";
