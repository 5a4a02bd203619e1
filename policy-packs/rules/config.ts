/**
 * Rule configuration, declared once per rule with zod. The pack's `configSchema` (JSON Schema,
 * what `--policy-pack-config` is validated against) is derived from it, and the same schema
 * parses what `getConfig()` returns, defaults included, so the two can never drift apart.
 */
import { z } from "zod";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { parsePortSpec, TrafficSet, type PortSpec } from "../../core/net";
import { EPHEMERAL_PORTS_EXPECTED, parseEphemeralPorts } from "../../core/reachability/ephemeral";

/** JSON Schema of a rule's options, in the form CrossGuard expects. */
export function configSchemaOf(schema: z.ZodObject): PolicyConfigSchema {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, unknown>; required?: string[] };
  const out: PolicyConfigSchema = { properties: (json.properties ?? {}) as PolicyConfigSchema["properties"] };
  if (json.required && json.required.length > 0) out.required = json.required;
  return out;
}

/** Parses a rule's configuration, defaults applied; throws one clear error for bad values. */
export function readConfig<S extends z.ZodObject>(rule: string, schema: S, raw: object): z.output<S> {
  const res = schema.safeParse(raw ?? {});
  if (res.success) return res.data;
  const lines = res.error.issues.map((i) => `  ${rule}.${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new Error(`invalid configuration for policy ${rule}:\n${lines.join("\n")}\nfix the policy pack config file (see policy-packs/examples/policy-config.json)`);
}

/** A list of port specs (`tcp/22`, `udp/53`, `tcp/8000-8100`). */
export const portSpecs = (description: string, defaults: string[]) =>
  z
    .array(
      z.string().refine((s) => !("error" in parsePortSpec(s)), { message: "must be a port spec such as tcp/22, udp/53, tcp/8000-8100, icmp or all" }),
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

/** The client's ephemeral ports for stateless return paths (core/reachability/ephemeral.ts), as a config option: a preset name, `from-to` text, or `{ from, to }`. */
export const ephemeralPortsSchema = z
  .union([z.string(), z.looseObject({ from: z.number().int(), to: z.number().int() })], {
    error: (issue) => {
      const r = parseEphemeralPorts(issue.input, "");
      return "error" in r ? r.error : `expected ${EPHEMERAL_PORTS_EXPECTED}`;
    },
  })
  .superRefine((v, ctx) => {
    // The config reader names the rule and the field.
    const r = parseEphemeralPorts(v, "");
    if ("error" in r) ctx.addIssue({ code: "custom", message: r.error });
  })
  .describe(`The client's ephemeral (source) ports that replies return to through stateless filters (NACLs): ${EPHEMERAL_PORTS_EXPECTED}. Default nat (1024-65535), the widest.`);
