/**
 * Policy-pack configuration, with the Pulumi engine's semantics (pkg/resource/analyzer/config.go):
 * the `--policy-pack-config` file maps a policy name (or "all") to an enforcement level string
 * or to an object of properties with an optional `enforcementLevel`. The effective config is
 * built in the engine's order: each policy's declared level and schema defaults, then the pack's
 * initial config, then the file ("all" first, then each policy), then validated against each
 * policy's config schema. A bad file or an invalid value is an error naming the file and policy.
 */
import * as fs from "node:fs";
import { PreviewError, errorText } from "./errors";
import type { EnforcementLevel } from "./types";

export interface PolicyConfigEntry {
  enforcementLevel?: EnforcementLevel;
  properties?: Record<string, unknown>;
}
export type PackConfig = Record<string, PolicyConfigEntry>;

/** What the reconciliation needs to know about each policy (from GetAnalyzerInfo). */
export interface PolicyInfoForConfig {
  name: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: { properties: Record<string, Record<string, unknown>>; required?: string[] };
}

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

function level(value: unknown, where: string): EnforcementLevel {
  if (typeof value !== "string" || !LEVELS.includes(value)) {
    throw new PreviewError(`${where}: ${JSON.stringify(value)} is not a valid enforcement level; use one of ${LEVELS.join(", ")}.`);
  }
  return value as EnforcementLevel;
}

/** Parse a config file in the Pulumi CLI's `--policy-pack-config` format. */
export function parsePackConfig(text: string, file: string): PackConfig {
  if (text.trim() === "") return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PreviewError(`Policy pack config ${file} is not valid JSON: ${errorText(err)}.`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new PreviewError(`Policy pack config ${file} must be a JSON object mapping policy names to a level or an object.`);
  }
  const out: PackConfig = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const where = `Policy pack config ${file}, policy '${name}'`;
    if (typeof value === "string") {
      out[name] = { enforcementLevel: level(value, where) };
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const { enforcementLevel, ...properties } = value as Record<string, unknown>;
      const entry: PolicyConfigEntry = {};
      if (enforcementLevel !== undefined) entry.enforcementLevel = level(enforcementLevel, where);
      if (Object.keys(properties).length > 0) entry.properties = properties;
      if (entry.enforcementLevel || entry.properties) out[name] = entry;
    } else {
      throw new PreviewError(`${where}: ${JSON.stringify(value)} is not a valid value; it must be a string or an object.`);
    }
  }
  return out;
}

export function loadPackConfig(file: string): PackConfig {
  if (!fs.existsSync(file)) throw new PreviewError(`Policy pack config file ${file} does not exist.`);
  return parsePackConfig(fs.readFileSync(file, "utf8"), file);
}

/**
 * The `--policy-pack-config` files of `packCount` packs, read: none, or one per pack in the same
 * order (as the Pulumi CLI matches them); any other count, or a bad file, is an error.
 */
export function loadPackConfigs(files: readonly string[], packCount: number): PackConfig[] {
  if (files.length > 0 && files.length !== packCount) {
    throw new PreviewError(`Got ${files.length} --policy-pack-config file(s) for ${packCount} policy pack(s); give one config per --policy-pack, in the same order, or none.`);
  }
  return files.map((f) => loadPackConfig(f));
}

function apply(result: PackConfig, given: PackConfig): PackConfig {
  const out: PackConfig = { ...result };
  const all = given.all?.enforcementLevel;
  if (all) for (const k of Object.keys(out)) out[k] = { ...out[k], enforcementLevel: all };
  for (const [name, entry] of Object.entries(given)) {
    const current = out[name] ?? {};
    const properties = entry.properties ? { ...(current.properties ?? {}), ...entry.properties } : current.properties;
    out[name] = {
      enforcementLevel: entry.enforcementLevel ?? current.enforcementLevel,
      ...(properties ? { properties } : {}),
    };
  }
  return out;
}

/** The engine's ReconcilePolicyPackConfig: defaults, then initial config, then the user's, then validation. */
export function reconcilePackConfig(
  policies: PolicyInfoForConfig[],
  initial: PackConfig,
  given: PackConfig,
  where: string,
): PackConfig {
  let result: PackConfig = {};
  for (const p of policies) {
    const defaults: Record<string, unknown> = {};
    for (const [k, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      if ("default" in schema) defaults[k] = schema.default;
    }
    result[p.name] = { enforcementLevel: p.enforcementLevel, ...(Object.keys(defaults).length ? { properties: defaults } : {}) };
  }
  result = apply(apply(result, initial), given);
  const errors: string[] = [];
  for (const p of policies) {
    if (!p.configSchema) continue;
    const schema = { type: "object", properties: p.configSchema.properties, required: p.configSchema.required };
    for (const e of validate(schema, result[p.name]?.properties ?? {}, "")) errors.push(`${p.name}: ${e}`);
  }
  if (errors.length > 0) {
    throw new PreviewError(`Invalid policy configuration for ${where}: ${errors.join("; ")}. Fix the --policy-pack-config file.`);
  }
  return result;
}

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  object: (v) => v !== null && typeof v === "object" && !Array.isArray(v),
  array: Array.isArray,
  string: (v) => typeof v === "string",
  number: (v) => typeof v === "number",
  integer: (v) => Number.isInteger(v),
  boolean: (v) => typeof v === "boolean",
  null: (v) => v === null,
};

/**
 * The JSON-schema keywords policy config schemas use in practice (type, enum, const,
 * properties, required, additionalProperties, items, min/max, lengths). Messages name the path.
 */
export function validate(schema: Record<string, any>, value: unknown, path: string): string[] {
  const at = path || "(root)";
  const errors: string[] = [];
  const types: string[] | undefined = schema.type === undefined ? undefined : [].concat(schema.type);
  if (types && !types.some((t) => TYPE_CHECKS[t]?.(value))) {
    return [`${at}: invalid type, expected ${types.join(" or ")}, given ${Array.isArray(value) ? "array" : value === null ? "null" : typeof value}`];
  }
  if (schema.enum && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push(`${at}: must be one of ${JSON.stringify(schema.enum)}`);
  }
  if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) errors.push(`${at}: must be ${JSON.stringify(schema.const)}`);
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${at}: must be <= ${schema.maximum}`);
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${at}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${at}: longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) errors.push(`${at}: does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${at}: fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((v, i) => errors.push(...validate(schema.items, v, `${path}[${i}]`)));
  }
  if (TYPE_CHECKS.object(value)) {
    const obj = value as Record<string, unknown>;
    for (const req of schema.required ?? []) if (!(req in obj)) errors.push(`${at}: ${req} is required`);
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties?.[k];
      if (sub) errors.push(...validate(sub, v, path ? `${path}.${k}` : k));
      else if (schema.additionalProperties === false) errors.push(`${at}: additional property ${k} is not allowed`);
      else if (typeof schema.additionalProperties === "object") errors.push(...validate(schema.additionalProperties, v, path ? `${path}.${k}` : k));
    }
  }
  return errors;
}
