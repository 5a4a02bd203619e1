/**
 * Rule configuration, declared once per rule with zod. The pack's `configSchema` (JSON Schema,
 * what `--policy-pack-config` is validated against) is derived from it, and the same schema
 * parses what `getConfig()` returns, defaults included, so the two can never drift apart. Text
 * options carry JSON Schema patterns (port specs, ephemeral ports), so the engine refuses before
 * the preview starts what the pack would refuse later; the pack also refuses unknown options.
 */
import { z } from "zod";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { MAX_PORT, parsePortSpec, TrafficSet, type PortSpec } from "../../core/net";
import { EPHEMERAL_PORTS_EXPECTED, parseEphemeralPorts } from "../../core/reachability/ephemeral";
import { configIssuesOf, configErrorText, strictOf, type ConfigIssue } from "./config-issues";

export { configErrorText, type ConfigIssue } from "./config-issues";

/** The problems with a policy's options, each with field, value, expectation and fix; empty when they parse. Unknown options are problems. */
export function configIssues(schema: z.ZodObject, raw: unknown): ConfigIssue[] {
  const res = strictOf(schema).safeParse(raw ?? {});
  return res.success ? [] : configIssuesOf(res.error, schema, raw, FIXES);
}

/** Parses a rule's configuration, defaults applied; throws one clear error, every problem listed, for bad values. */
export function readConfig<S extends z.ZodObject>(rule: string, schema: S, raw: object): z.output<S> {
  const res = strictOf(schema).safeParse(raw ?? {});
  if (res.success) return res.data as z.output<S>;
  throw new Error(configErrorText(rule, configIssuesOf(res.error, schema, raw, FIXES)));
}

/** JSON Schema of a rule's options, in the form CrossGuard expects. */
export function configSchemaOf(schema: z.ZodObject): PolicyConfigSchema {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, unknown>; required?: string[] };
  const out: PolicyConfigSchema = { properties: (json.properties ?? {}) as PolicyConfigSchema["properties"] };
  if (json.required && json.required.length > 0) out.required = json.required;
  return out;
}

const PORT = "(?:\\d{1,4}|[0-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])";

/**
 * What core/net's parsePortSpec accepts, as a JSON Schema pattern the engine checks before the
 * pack starts (ECMA-262 and Go's RE2 alike: no lookaround, case spelled out): tcp, udp or sctp
 * with an optional port or range of ports 0-65535, or icmp or all alone, in any case, spaces
 * around allowed. Only a range that runs backwards (tcp/100-1) passes the pattern and fails in the pack.
 */
export const PORT_SPEC_PATTERN = `^\\s*(?:(?:[tT][cC][pP]|[uU][dD][pP]|[sS][cC][tT][pP])(?:/${PORT}(?:-${PORT})?)?|[iI][cC][mM][pP]|[aA][lL][lL])\\s*$`;

const PORT_SPEC_EXPECTED = "must be a port spec such as tcp/22, udp/53, tcp/8000-8100, sctp/3868, icmp or all";

/** The fix for a check whose issue cannot carry one (zod's string formats), by the check's message. */
const FIXES: Readonly<Record<string, string>> = { [PORT_SPEC_EXPECTED]: "write protocol/port, e.g. tcp/22, or protocol/from-to, e.g. tcp/8000-8100" };

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
