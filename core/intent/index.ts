export * from "./types";
export * from "./errors";
export { NAME_PATTERN, MAX_NAME_LENGTH, type IntentInput, type IntentDocument, type ZoneInput, type WorkloadInput, type FlowInput, type PeerInput, type EgressInput, type TenantsInput, type TenantInput, type SlotGrid, type QuarantineInput } from "./schema";
export { parseIntent, normaliseIntent, isNormalised, unpinnedSlots, SMALLEST_SUBNET_PREFIX } from "./validate";
export { resolveIntent, type IntentArg } from "./resolve";
export { parseIntentText, loadIntentFile } from "./load";
export { intentJsonSchema } from "./json-schema";
export { pinSlots, type PinResult } from "./pin";
