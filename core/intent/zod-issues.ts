/**
 * zod's issues turned into netseg's (path, value, message, fix). Internal, like every zod type:
 * netseg's published declarations never name zod (see zod-schema.ts).
 */
import type { z } from "zod";
import { formatPath, type IntentIssue } from "./errors";

/** zod's issues as netseg issues: path, value, message, fix. */
export function fromZodError(err: z.ZodError, input: unknown): IntentIssue[] {
  return err.issues.map((i) => {
    const path = formatPath(i.path);
    const value = valueAt(input, i.path);
    let fix: string | undefined;
    if (i.code === "unrecognized_keys") fix = `remove ${i.keys.map((k) => `"${k}"`).join(", ")} (check the spelling against the JSON Schema)`;
    if (i.code === "invalid_value" && "values" in i) fix = `use one of ${(i.values as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    return { path, value, message: i.message, fix };
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: any = input;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = cur[p as any];
  }
  return typeof cur === "object" ? undefined : cur;
}
