/** Kept for the k8s folder's public names; the resolver itself is shared by every component. */
export { resolveIntent, type IntentArg } from "../../core/intent";
