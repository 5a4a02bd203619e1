/**
 * A policy's bad options as data first (field, value, expectation, fix), then as the text the
 * pack throws: one line per problem, all at once, and where to fix them. Unknown options count:
 * the engine's schema check lets any key through, so a misspelt option would otherwise be
 * dropped without a word and its default apply.
 */
import type { z } from "zod";
import { showValue } from "../../core/show-value";

/** One problem with a policy's options: the field, the value given, what is expected and how to fix it. */
export interface ConfigIssue {
  /** Dotted path inside the policy's options, e.g. `adminPorts.0`; `(root)` for the options as a whole. */
  readonly field: string;
  readonly value?: unknown;
  readonly expected: string;
  readonly fix: string;
}

const TYPE_NAMES: Record<string, string> = { string: "a string", number: "a number", int: "a whole number", boolean: "true or false", array: "a list", object: "an object", record: "an object" };

/** Levenshtein distance, for "did you mean" on a misspelt option. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur = raw;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function issueOf(i: z.core.$ZodIssue, raw: unknown, options: readonly string[], fixes: Readonly<Record<string, string>>): ConfigIssue[] {
  const field = i.path.map(String).join(".") || "(root)";
  const value = valueAt(raw, i.path);
  switch (i.code) {
    case "unrecognized_keys":
      // A nested object's own explanation (the schema gave one) or a plain one.
      if (i.path.length > 0) {
        return i.message.startsWith("Unrecognized key")
          ? i.keys.map((key) => ({ field: [...i.path.map(String), key].join("."), expected: `is not a field of ${field}`, fix: "remove it" }))
          : [{ field, value, expected: i.message, fix: fixFromExpectation(i.message) }];
      }
      return i.keys.map((key) => {
        const near = options.filter((o) => distance(key, o) <= Math.max(1, Math.floor(o.length / 4))).sort((x, y) => distance(key, x) - distance(key, y))[0];
        return {
          field: key,
          expected: "is not an option of this policy (it would be ignored, and the default used instead)",
          fix: near ? `rename it to "${near}"` : `remove it; the options are ${options.length ? options.join(", ") : "none (only enforcementLevel)"}`,
        };
      });
    case "invalid_type":
      return [{ field, value, expected: `must be ${TYPE_NAMES[i.expected] ?? i.expected}`, fix: `write ${TYPE_NAMES[i.expected] ?? i.expected}` }];
    case "invalid_value":
      return [{ field, value, expected: `must be one of ${i.values.map((v) => JSON.stringify(v)).join(", ")}`, fix: `use one of ${i.values.map((v) => JSON.stringify(v)).join(", ")}` }];
    case "too_small":
    case "too_big": {
      const bound = i.code === "too_small" ? `at least ${i.minimum}` : `at most ${i.maximum}`;
      const what = i.origin === "array" ? `a list of ${bound} entries` : i.origin === "string" ? `${bound} characters long` : bound;
      return [{ field, value, expected: `must be ${what}`, fix: `write a value ${bound}` }];
    }
    default:
      return [{ field, value, expected: i.message, fix: (i.code === "custom" ? (i.params?.fix as string | undefined) : undefined) ?? fixes[i.message] ?? fixFromExpectation(i.message) }];
  }
}

/** "... expected X" gives "write X"; a message that states no expectation gives a general fix. */
function fixFromExpectation(message: string): string {
  const at = message.lastIndexOf("; expected ");
  return at >= 0 ? `write ${message.slice(at + "; expected ".length)}` : "write a value of the kind the message names";
}

const STRICT = new WeakMap<z.ZodObject, z.ZodObject>();

/** The schema refusing unknown options: the engine lets any key through (its schema check allows additional properties), so a misspelt option would otherwise be dropped without a word and its default apply. */
export function strictOf(schema: z.ZodObject): z.ZodObject {
  let strict = STRICT.get(schema);
  if (!strict) STRICT.set(schema, (strict = schema.strict()));
  return strict;
}

/** zod's issues as ConfigIssues; `fixes` gives the fix for a check that cannot carry one, by its message. */
export function configIssuesOf(error: z.ZodError, schema: z.ZodObject, raw: unknown, fixes: Readonly<Record<string, string>> = {}): ConfigIssue[] {
  const options = Object.keys(schema.shape);
  return error.issues.flatMap((i) => issueOf(i, raw ?? {}, options, fixes));
}

/** The text of a bad configuration: the policy, one line per problem, and where to fix it. */
export function configErrorText(rule: string, issues: readonly ConfigIssue[]): string {
  const lines = issues.map((i) => `  ${rule}.${i.field}: ${i.expected}${i.value === undefined ? "" : `; given ${showValue(i.value)}`}. Fix: ${i.fix}.`);
  return [
    `invalid configuration for policy ${rule}:`,
    ...lines,
    `fix it under "${rule}" in the --policy-pack-config file given for its pack (netseg's packs ship an example each: policy-packs/examples/<pack>-policy-config.json)`,
  ].join("\n");
}
