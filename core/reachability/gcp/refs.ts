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

interface TextIndex {
  /** Id, URN, self link (and a group's `instanceGroup` link) -> URNs. */
  readonly ids: Map<string, string[]>;
  /** `name` -> URNs. */
  readonly names: Map<string, string[]>;
}

/** Per graph and type list: every text a resource of those types is named by (built once; thousands of instances each refer to one of hundreds of subnetworks). */
const textIndexes = new WeakMap<ResourceGraph, Map<string, TextIndex>>();

function textIndex(g: ResourceGraph, types: readonly string[]): TextIndex {
  let perGraph = textIndexes.get(g);
  if (!perGraph) textIndexes.set(g, (perGraph = new Map()));
  const key = types.join("\u0000");
  let index = perGraph.get(key);
  if (index) return index;
  index = { ids: new Map(), names: new Map() };
  const add = (m: Map<string, string[]>, k: string, urn: string) => {
    const list = m.get(k);
    if (!list) m.set(k, [urn]);
    else if (!list.includes(urn)) list.push(urn);
  };
  for (const r of g.ofType(...types)) {
    const p = propsOf(r);
    for (const x of [r.id, r.urn, p.id, p.selfLink, p.selfLinkUnique, p.instanceGroup]) {
      const t = str(x);
      if (typeof t === "string") add(index.ids, t, r.urn);
    }
    const n = nameOf(r);
    if (n !== undefined) add(index.names, n, r.urn);
  }
  perGraph.set(key, index);
  return index;
}

/** The resources of `types` that the text `s` names: by id, URN or self link, or by the name at the end of a path. */
function byText(g: ResourceGraph, s: string, types: readonly string[]): string[] {
  const last = s.slice(s.lastIndexOf("/") + 1);
  const index = textIndex(g, types);
  const byId = index.ids.get(s) ?? [];
  // A self link or id names its resource exactly: subnetworks of an auto-mode network share their name across regions.
  if (byId.length) return byId;
  return last !== "" ? index.names.get(last) ?? [] : [];
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
