/**
 * References between GCP resources, as a stack declares them: a self link, an id or a name once
 * deployed, and at preview an unknown value whose only trace is the property's dependencies.
 * A reference resolves to every resource of the expected types that the property depends on or
 * that a known value names (by id, URN, self link or by the name at the end of a path); what
 * resolves to nothing is returned as `unresolved`, for the caller to note with the resource's URN.
 */
import { propsOf, type ResourceGraph } from "../graph";
import type { NetResource } from "../model";
import { isUnknown, str, UNKNOWN } from "../values";

export interface Refs {
  readonly urns: string[];
  /** Values (or `(unknown)`) that named nothing of the expected types in the stack. */
  readonly unresolved: string[];
}

function nameOf(r: NetResource): string | undefined {
  const n = str(propsOf(r).name);
  return typeof n === "string" ? n : undefined;
}

/** The resources of `types` that the text `s` names. */
function byText(g: ResourceGraph, s: string, types: readonly string[]): string[] {
  const last = s.slice(s.lastIndexOf("/") + 1);
  const out: string[] = [];
  for (const r of g.ofType(...types)) {
    const p = propsOf(r);
    const ids = [r.id, r.urn, p.id, p.selfLink, p.selfLinkUnique, p.instanceGroup].map((x) => str(x));
    if (ids.includes(s) || (last !== "" && nameOf(r) === last)) out.push(r.urn);
  }
  return out;
}

/**
 * The resources of `types` referred to by `values` (the known and unknown elements found under
 * the top-level property `prop` of `from`). Dependencies of that property count only for
 * unknown elements: a known value that names nothing is unresolved even when the property also
 * depends on something else.
 */
export function refsTo(g: ResourceGraph, from: NetResource, prop: string, values: readonly unknown[], types: readonly string[]): Refs {
  const urns = new Set<string>();
  const unresolved: string[] = [];
  let unknowns = 0;
  for (const v of values) {
    const s = str(v);
    if (s === undefined || s === "") continue;
    if (s === UNKNOWN || isUnknown(s)) {
      unknowns++;
      continue;
    }
    const hit = byText(g, s, types);
    if (hit.length) hit.forEach((u) => urns.add(u));
    else unresolved.push(JSON.stringify(s));
  }
  if (unknowns) {
    const own: unknown = from.propertyDependencies?.[prop] ?? from.dependencies;
    const deps = [...new Set(Array.isArray(own) ? own : [])].filter((u): u is string => typeof u === "string" && types.includes(g.byUrn.get(u)?.type ?? ""));
    if (deps.length) deps.forEach((u) => urns.add(u));
    else unresolved.push("(unknown at preview, and no dependency names it)");
  }
  return { urns: [...urns].sort(), unresolved };
}
