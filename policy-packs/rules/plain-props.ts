/**
 * The boundary between @pulumi/policy and netseg's pure readers: resource properties arrive
 * wrapped in @pulumi/policy's unknown-checking proxy, which throws `UnknownValueError` on any
 * read of a value not known at preview. Here every property is read once through that proxy;
 * an unknown becomes core's `UNKNOWN` marker, so rules never crash on it and still see the rest.
 */
import type { PolicyResource } from "@pulumi/policy";
import { UnknownValueError } from "./policy-internals";
import { UNKNOWN, type Plain, type PlainObject, type StackResource } from "../../core/resources";

function read(get: () => unknown): Plain {
  try {
    return toPlain(get());
  } catch (e) {
    if (e instanceof UnknownValueError) return UNKNOWN;
    throw e;
  }
}

/** Deep copy of proxied properties with unknowns as `UNKNOWN`. */
export function toPlain(v: unknown): Plain {
  if (v === null || v === undefined || typeof v === "boolean" || typeof v === "number" || typeof v === "string") return v;
  if (Array.isArray(v)) {
    const out: Plain[] = [];
    for (let i = 0; i < v.length; i++) out.push(read(() => v[i]));
    return out;
  }
  if (typeof v === "object") {
    const out: Record<string, Plain> = {};
    for (const k of Object.keys(v)) out[k] = read(() => (v as Record<string, unknown>)[k]);
    return out;
  }
  return undefined;
}

export function plainProps(props: Record<string, unknown>): PlainObject {
  const p = toPlain(props);
  return typeof p === "object" && p !== null && !Array.isArray(p) ? (p as PlainObject) : {};
}

/**
 * Copies proxied properties for a remediation result, or returns undefined when any value is
 * still unknown: a remediation must never send back a guess in place of an unknown.
 */
export function knownCopy(props: Record<string, unknown>): Record<string, unknown> | undefined {
  const p = plainProps(props);
  const hasUnknown = (v: Plain): boolean =>
    v === UNKNOWN || (Array.isArray(v) ? v.some(hasUnknown) : typeof v === "object" && v !== null ? Object.values(v).some(hasUnknown) : false);
  return hasUnknown(p) ? undefined : (p as Record<string, unknown>);
}

/** The engine's stack resources as plain data, dependencies by URN. */
export function toStackResources(resources: readonly PolicyResource[]): StackResource[] {
  return resources.map((r) => {
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, deps] of Object.entries(r.propertyDependencies ?? {})) propertyDependencies[k] = deps.map((d) => d.urn);
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      props: plainProps(r.props),
      dependencies: (r.dependencies ?? []).map((d) => d.urn),
      propertyDependencies,
      parent: r.parent?.urn ?? r.opts?.parent,
    };
  });
}
