/**
 * The resources of a fleet's stacks as one set, for one reachability analysis across shards.
 *
 * Stacks refer to each other only by provider ids (a shard's attachment names the transit
 * stack's gateway by the id its StackReference read), and the engine joins a reference to the
 * resource with that id. So the join keeps every id as it is, with one exception: an id that
 * more than one stack defines (an offline preview's mock ids follow the logical name, and every
 * shard has its own `<fleet>-flow-logs` bucket) would join a reference to another stack's
 * resource. Such an id is made unique per stack (`<stack>/<id>`) in that stack's resources and
 * in the references its own resources make to it; a reference to it from a stack that does not
 * define it cannot be attributed, stays as written, and is listed as ambiguous.
 */
import type { NetResource } from "../reachability/model";

export interface FleetStackResources {
  readonly stack: string;
  readonly resources: readonly NetResource[];
}

export interface JoinedFleet {
  readonly resources: NetResource[];
  /** Ids several stacks define, made unique per stack. */
  readonly renamedIds: readonly { readonly id: string; readonly stacks: readonly string[] }[];
  /** References to a renamed id from a stack that does not define it (left unresolved). */
  readonly ambiguousReferences: readonly { readonly stack: string; readonly urn: string; readonly id: string }[];
}

function idOf(r: NetResource): string | undefined {
  const id = r.id ?? (r.props ?? r.inputs)?.id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

function rewrite(value: unknown, map: ReadonlyMap<string, string>, foreign: ReadonlySet<string>, seen: (id: string) => void): unknown {
  if (typeof value === "string") {
    const to = map.get(value);
    if (to !== undefined) return to;
    if (foreign.has(value)) seen(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => rewrite(v, map, foreign, seen));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, map, foreign, seen)]));
  return value;
}

export function joinFleetStacks(stacks: readonly FleetStackResources[]): JoinedFleet {
  const definers = new Map<string, Set<string>>();
  for (const s of stacks) for (const r of s.resources) {
    const id = idOf(r);
    if (id !== undefined) (definers.get(id) ?? definers.set(id, new Set()).get(id)!).add(s.stack);
  }
  const shared = new Map([...definers].filter(([, by]) => by.size > 1));
  const resources: NetResource[] = [];
  const ambiguous: { stack: string; urn: string; id: string }[] = [];
  for (const s of stacks) {
    const own = new Map([...shared].filter(([, by]) => by.has(s.stack)).map(([id]) => [id, `${s.stack}/${id}`]));
    const foreign = new Set([...shared.keys()].filter((id) => !own.has(id)));
    if (own.size === 0 && foreign.size === 0) {
      resources.push(...s.resources);
      continue;
    }
    for (const r of s.resources) {
      const note = (id: string) => ambiguous.push({ stack: s.stack, urn: r.urn, id });
      resources.push({
        ...r,
        ...(r.id !== undefined ? { id: own.get(r.id) ?? r.id } : {}),
        ...(r.props ? { props: rewrite(r.props, own, foreign, note) as Record<string, unknown> } : {}),
        ...(r.inputs ? { inputs: rewrite(r.inputs, own, foreign, note) as Record<string, unknown> } : {}),
      });
    }
  }
  const renamedIds = [...shared].map(([id, by]) => ({ id, stacks: [...by].sort() })).sort((a, b) => (a.id < b.id ? -1 : 1));
  return { resources, renamedIds, ambiguousReferences: ambiguous };
}
