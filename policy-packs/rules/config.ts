/**
 * Rule configuration, declared once per rule with zod. The pack's `configSchema` (JSON Schema,
 * what `--policy-pack-config` is validated against) is derived from it, and the same schema
 * parses what `getConfig()` returns, defaults included, so the two can never drift apart.
 */
import { z } from "zod";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { MAX_PORT, parsePortSpec, TrafficSet, type PortSpec } from "../../core/net";
import { showValue } from "../../core/show-value";
import { EPHEMERAL_PORTS_EXPECTED, parseEphemeralPorts } from "../../core/reachability/ephemeral";

/** JSON Schema of a rule's options, in the form CrossGuard expects. */
export function configSchemaOf(schema: z.ZodObject): PolicyConfigSchema {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, unknown>; required?: string[] };
  const out: PolicyConfigSchema = { properties: (json.properties ?? {}) as PolicyConfigSchema["properties"] };
  if (json.required && json.required.length > 0) out.required = json.required;
  return out;
}

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

function issueOf(i: z.core.$ZodIssue, raw: unknown, options: readonly string[]): ConfigIssue[] {
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
      return [{ field, value, expected: i.message, fix: (i.code === "custom" ? (i.params?.fix as string | undefined) : undefined) ?? FIXES[i.message] ?? fixFromExpectation(i.message) }];
  }
}

/** "... expected X" gives "write X"; a message that states no expectation gives a general fix. */
function fixFromExpectation(message: string): string {
  const at = message.lastIndexOf("; expected ");
  return at >= 0 ? `write ${message.slice(at + "; expected ".length)}` : "write a value of the kind the message names";
}

const STRICT = new WeakMap<z.ZodObject, z.ZodObject>();

/** The schema refusing unknown options: the engine lets any key through (its schema check allows additional properties), so a misspelt option would otherwise be dropped without a word and its default apply. */
function strictOf(schema: z.ZodObject): z.ZodObject {
  let strict = STRICT.get(schema);
  if (!strict) STRICT.set(schema, (strict = schema.strict()));
  return strict;
}

function issuesOf(error: z.ZodError, schema: z.ZodObject, raw: unknown): ConfigIssue[] {
  const options = Object.keys(schema.shape);
  return error.issues.flatMap((i) => issueOf(i, raw ?? {}, options));
}

/** The problems with a policy's options, each with field, value, expectation and fix; empty when they parse. Unknown options are problems. */
export function configIssues(schema: z.ZodObject, raw: unknown): ConfigIssue[] {
  const res = strictOf(schema).safeParse(raw ?? {});
  return res.success ? [] : issuesOf(res.error, schema, raw);
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

/** Parses a rule's configuration, defaults applied; throws one clear error, every problem listed, for bad values. */
export function readConfig<S extends z.ZodObject>(rule: string, schema: S, raw: object): z.output<S> {
  const res = strictOf(schema).safeParse(raw ?? {});
  if (res.success) return res.data as z.output<S>;
  throw new Error(configErrorText(rule, issuesOf(res.error, schema, raw)));
}

const PORT = "(?:\\d{1,4}|[0-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])";

/**
 * What core/net's parsePortSpec accepts, as a JSON Schema pattern the engine checks before the
 * pack starts (ECMA-262 and Go's RE2 alike: no lookaround, case spelled out): tcp or udp with an
 * optional port or range of ports 0-65535, or icmp or all alone, in any case, spaces around
 * allowed. Only a range that runs backwards (tcp/100-1) passes the pattern and fails in the pack.
 */
export const PORT_SPEC_PATTERN = `^\\s*(?:(?:[tT][cC][pP]|[uU][dD][pP])(?:/${PORT}(?:-${PORT})?)?|[iI][cC][mM][pP]|[aA][lL][lL])\\s*$`;

const PORT_SPEC_EXPECTED = "must be a port spec such as tcp/22, udp/53, tcp/8000-8100, icmp or all";

/** The fix for a check whose issue cannot carry one (zod's string formats). */
const FIXES: Record<string, string> = { [PORT_SPEC_EXPECTED]: "write protocol/port, e.g. tcp/22, or protocol/from-to, e.g. tcp/8000-8100" };

/** A list of port specs (`tcp/22`, `udp/53`, `tcp/8000-8100`). */
export const portSpecs = (description: string, defaults: string[]) =>
  z
    .array(
      z
        .string()
        .regex(new RegExp(PORT_SPEC_PATTERN), { message: PORT_SPEC_EXPECTED, abort: true })
        .superRefine((s, ctx) => {
          const p = parsePortSpec(s);
          if ("error" in p) ctx.addIssue({ code: "custom", message: `${PORT_SPEC_EXPECTED} (${p.error})`, params: { fix: "write the range from its lower port to its higher" } });
        }),
    )
    .default(defaults)
    .describe(description);

export function trafficOf(specs: readonly string[]): TrafficSet {
  return TrafficSet.fromSpecs(specs.map((s) => parsePortSpec(s) as PortSpec));
}

/** Options shared by zone-aware rules. */
export const zoneOptions = {
  zoneTag: z
    .string()
    .optional()
    .describe("Tag/label key naming a resource's zone on hand-written resources; netseg's own zone tag is always read too."),
  internetFacingZones: z
    .array(z.string())
    .default([])
    .describe("Zone names treated as internet-facing besides those netseg marks so (internet: inbound)."),
};

const PORT_FROM_1 = "(?:[1-9]\\d{0,3}|0[1-9]\\d{0,2}|00[1-9]\\d?|000[1-9]|0[1-9]\\d{3}|00[1-9]\\d{2}|000[1-9]\\d|0000[1-9]|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])";

/**
 * What parseEphemeralPorts accepts as text, as a JSON Schema pattern: a preset in any case, or
 * "from-to" with ports 1-65535, spaces around allowed. Only a range that runs backwards passes the
 * pattern and fails in the pack.
 */
export const EPHEMERAL_PORTS_PATTERN = `^\\s*(?:[lL][iI][nN][uU][xX]|[wW][iI][nN][dD][oO][wW][sS]|[nN][aA][tT]|${PORT_FROM_1}\\s*-\\s*${PORT_FROM_1})\\s*$`;

/** parseEphemeralPorts' own explanation of a bad value. */
function ephemeralError(issue: { input?: unknown }): string {
  const r = parseEphemeralPorts(issue.input, "");
  return "error" in r ? r.error : `expected ${EPHEMERAL_PORTS_EXPECTED}`;
}

const ephemeralPort = z.number().int({ abort: true }).min(1, { abort: true }).max(MAX_PORT, { abort: true });

/** The client's ephemeral ports for stateless return paths (core/reachability/ephemeral.ts), as a config option: a preset name, `from-to` text, or `{ from, to }`. */
export const ephemeralPortsSchema = z
  .union([z.string().regex(new RegExp(EPHEMERAL_PORTS_PATTERN), { error: ephemeralError, abort: true }), z.strictObject({ from: ephemeralPort, to: ephemeralPort }, { error: ephemeralError })], {
    error: (issue) => {
      const r = parseEphemeralPorts(issue.input, "");
      return "error" in r ? r.error : `expected ${EPHEMERAL_PORTS_EXPECTED}`;
    },
  })
  .superRefine((v, ctx) => {
    // The config reader names the rule and the field.
    const r = parseEphemeralPorts(v, "");
    if ("error" in r) ctx.addIssue({ code: "custom", message: r.error, params: { fix: "write the range from its lower port to its higher, or a preset: linux, windows, nat" } });
  })
  .describe(`The client's ephemeral (source) ports that replies return to through stateless filters (NACLs): ${EPHEMERAL_PORTS_EXPECTED}. Default nat (1024-65535), the widest.`);
