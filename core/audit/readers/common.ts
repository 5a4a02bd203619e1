/**
 * What every inventory reader shares: the resource it builds (a Pulumi type token, a URN made
 * from the cloud's own id so the same record always gets the same URN, props named as the
 * Pulumi provider names them, `id` both on the resource and in its props so joins by id work in
 * the engine and in the packs' readers), and the tally of what was read and what was not.
 */
import type { NetResource } from "../../reachability/model";
import type { ReadResult, Skipped, SourceFormat } from "../types";

/** Stack and project of every synthesized URN: `urn:pulumi:audit::inventory::<type>::<id>`. */
export const AUDIT_STACK = "audit";
export const AUDIT_PROJECT = "inventory";

export function auditUrn(type: string, id: string): string {
  return `urn:pulumi:${AUDIT_STACK}::${AUDIT_PROJECT}::${type}::${id}`;
}

/** Collects one file's resources, skipped records and counts. */
export class Tally {
  readonly resources: NetResource[] = [];
  readonly skipped: Skipped[] = [];
  readonly counts: Record<string, number> = {};

  constructor(readonly file: string) {}

  /** A resource for the record of `kind` at `at`; `props` without undefined values. */
  add(kind: string, type: string, id: string, props: Record<string, unknown>, name = id): NetResource {
    const clean: Record<string, unknown> = { id };
    for (const [k, v] of Object.entries(props)) if (v !== undefined) clean[k] = v;
    const r: NetResource = { type, urn: auditUrn(type, id), name, id, props: clean };
    this.resources.push(r);
    this.count(kind);
    return r;
  }

  count(kind: string, n = 1): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + n;
  }

  skip(at: string, kind: string, reason: string, id?: string): void {
    this.skipped.push({ file: this.file, at, kind, reason, ...(id ? { id } : {}) });
  }

  result(format: SourceFormat): ReadResult {
    return { format, resources: this.resources, skipped: this.skipped, counts: this.counts };
  }
}

/** A plain object, else undefined. */
export function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** An array, else empty. */
export function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

export function text(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** A list of strings from `list[].field` (absent ones left out). */
export function pluck(list: unknown, field: string): string[] {
  return arr(list).flatMap((x) => {
    const s = text(obj(x)?.[field]);
    return s === undefined ? [] : [s];
  });
}

/** AWS `[{ Key, Value }]` tags as the provider's map. */
export function awsTags(v: unknown): Record<string, string> | undefined {
  const list = arr(v);
  if (!list.length) return undefined;
  const out: Record<string, string> = {};
  for (const t of list) {
    const o = obj(t);
    if (o && typeof o.Key === "string") out[o.Key] = typeof o.Value === "string" ? o.Value : "";
  }
  return out;
}
