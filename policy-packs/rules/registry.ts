/**
 * Turns a barrel of rule modules into a pack's policy list. A barrel (`<cloud>/all.ts`) holds one
 * `export * from "./<rule>"` line per rule, so registering a rule is that one line; the zod
 * option schemas the modules also export are skipped here. Sorted by name for a stable order.
 */
import type { NetsegPolicy } from "./define";

function isPolicy(v: unknown): v is NetsegPolicy {
  return typeof v === "object" && v !== null && typeof (v as { name?: unknown }).name === "string" && ("validateResource" in v || "validateStack" in v);
}

export function policiesOf(barrel: Record<string, unknown>): NetsegPolicy[] {
  return Object.values(barrel)
    .filter(isPolicy)
    .sort((a, b) => a.name.localeCompare(b.name));
}
