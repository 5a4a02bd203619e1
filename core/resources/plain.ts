/**
 * Resource properties as plain data, with values that are still unknown at preview kept as one
 * marker (`UNKNOWN`) instead of an exception. Readers here never throw on a missing or unknown
 * value: each returns what is known and says what is not, so a rule can still report a violation
 * that the known parts already prove (a world CIDR beside an unknown port list holding 22).
 *
 * The policy packs turn @pulumi/policy's unknown-checking proxy into this shape at the boundary
 * (policy-packs/rules/plain-props.ts); everything in core/resources works on it.
 */
export const UNKNOWN: unique symbol = Symbol.for("netseg.unknown");
export type Unknown = typeof UNKNOWN;

export type Plain = null | undefined | boolean | number | string | Unknown | readonly Plain[] | { readonly [key: string]: Plain };
export type PlainObject = { readonly [key: string]: Plain };

export function isUnknown(v: unknown): v is Unknown {
  return v === UNKNOWN;
}

export function isObject(v: unknown): v is PlainObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A string value; UNKNOWN when unknown, undefined when absent or not a string. */
export function str(v: Plain): string | Unknown | undefined {
  if (isUnknown(v)) return UNKNOWN;
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}

/** A number (numeric strings accepted: the engine may send either). */
export function num(v: Plain): number | Unknown | undefined {
  if (isUnknown(v)) return UNKNOWN;
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A boolean; the strings "true"/"false" too (launch templates carry booleans as strings). */
export function bool(v: Plain): boolean | Unknown | undefined {
  if (isUnknown(v)) return UNKNOWN;
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return undefined;
}

/** The items of a list; `unknown` is true when the list itself is unknown. */
export function items(v: Plain): { readonly known: readonly Plain[]; readonly unknown: boolean } {
  if (isUnknown(v)) return { known: [], unknown: true };
  if (Array.isArray(v)) return { known: v as readonly Plain[], unknown: false };
  return { known: [], unknown: false };
}

/** Known strings of a list, and whether any element (or the list) is unknown. */
export function strings(v: Plain): { readonly known: readonly string[]; readonly unknown: boolean } {
  const l = items(v);
  const known: string[] = [];
  let unknown = l.unknown;
  for (const e of l.known) {
    const s = str(e);
    if (s === UNKNOWN) unknown = true;
    else if (s !== undefined) known.push(s);
  }
  return { known, unknown };
}

/** Field of an object, tolerant of unknown or absent parents. */
export function field(v: Plain, key: string): Plain {
  if (isUnknown(v)) return UNKNOWN;
  return isObject(v) ? v[key] : undefined;
}

/** A string map (tags, labels); unknown values dropped, `unknown` set when any part is unknown. */
export function stringMap(v: Plain): { readonly known: Readonly<Record<string, string>>; readonly unknown: boolean } {
  if (isUnknown(v)) return { known: {}, unknown: true };
  if (!isObject(v)) return { known: {}, unknown: false };
  const known: Record<string, string> = {};
  let unknown = false;
  for (const k of Object.keys(v).sort()) {
    const s = str(v[k]);
    if (s === UNKNOWN) unknown = true;
    else if (s !== undefined) known[k] = s;
  }
  return { known, unknown };
}
