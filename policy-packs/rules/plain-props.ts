/**
 * The boundary between @pulumi/policy and netseg's pure readers: resource properties arrive
 * wrapped in @pulumi/policy's unknown-checking proxy, which throws `UnknownValueError` on any
 * read of a value not known at preview. Here every property is read once through that proxy;
 * an unknown becomes core's `UNKNOWN` marker, so rules never crash on it and still see the rest.
 */
import type { PolicyResource } from "@pulumi/policy";
import { proxyTarget, UNKNOWN_SENTINELS, UnknownValueError } from "./policy-internals";
import { UNKNOWN, type Plain, type PlainObject, type StackResource } from "../../core/resources";

/** The deep copy both readers share; `child` reads one element or property and copies it. */
function copy(v: unknown, child: (container: Record<string | number, unknown>, key: string | number) => Plain): Plain {
  if (v === null || v === undefined || typeof v === "boolean" || typeof v === "number" || typeof v === "string") return v;
  if (Array.isArray(v)) {
    const out: Plain[] = [];
    for (let i = 0; i < v.length; i++) out.push(child(v as unknown as Record<number, unknown>, i));
    return out;
  }
  if (typeof v === "object") {
    const out: Record<string, Plain> = {};
    for (const k of Object.keys(v)) out[k] = child(v as Record<string, unknown>, k);
    return out;
  }
  return undefined;
}

/** Through the proxy: a read that throws UnknownValueError is an unknown. */
function throughAccessors(container: Record<string | number, unknown>, key: string | number): Plain {
  try {
    return toPlain(container[key]);
  } catch (e) {
    if (e instanceof UnknownValueError) return UNKNOWN;
    throw e;
  }
}

/** The data the proxy wraps: each sentinel it would have thrown on is an unknown. */
function fromTarget(v: unknown): Plain {
  return typeof v === "string" && UNKNOWN_SENTINELS.has(v) ? UNKNOWN : copy(v, (c, k) => fromTarget(c[k]));
}

/**
 * Deep copy of proxied properties with unknowns as `UNKNOWN`. For @pulumi/policy's own proxy,
 * the data it wraps is copied directly, each sentinel it would have thrown on becoming
 * `UNKNOWN` (same result; reading every value through the proxy's trap was most of a stack
 * policy's time on large stacks). Any other object is read through its accessors.
 */
export function toPlain(v: unknown): Plain {
  const target = typeof v === "object" && v !== null ? proxyTarget(v) : undefined;
  return target !== undefined ? fromTarget(target) : copy(v, throughAccessors);
}

/**
 * Copies already made of decoded properties, by the decoded object: where the pack decodes each
 * resource once per call (decode-once.ts), every policy of the call reads the same object, and
 * copying it once serves them all. Elsewhere each decode is new and nothing is found here.
 */
const copied = new WeakMap<object, PlainObject>();

/** The decoded object behind @pulumi/policy's proxy of a resource's properties: the key of both memos here. */
function decodedOf(props: unknown): object | undefined {
  const target = typeof props === "object" && props !== null ? proxyTarget(props) : undefined;
  return typeof target === "object" && target !== null ? target : undefined;
}

export function plainProps(props: Record<string, unknown>): PlainObject {
  const key = decodedOf(props);
  const known = key && copied.get(key);
  if (known) return known;
  const p = toPlain(props);
  const out = typeof p === "object" && p !== null && !Array.isArray(p) ? (p as PlainObject) : {};
  if (key) copied.set(key, out);
  return out;
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
    // The same decoded properties are the same resource of the same request (see `copied`).
    const key = decodedOf(r.props);
    const known = key && stackResources.get(key);
    if (known) return known;
    const out = stackResourceOf(r);
    if (key) stackResources.set(key, out);
    return out;
  });
}

const stackResources = new WeakMap<object, StackResource>();

function stackResourceOf(r: PolicyResource): StackResource {
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
}
