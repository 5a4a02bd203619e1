/**
 * Joins resources to each other. After deployment a rule names its security group by id; at
 * preview that id is usually unknown, and the only trace of which group it meant is the URN in
 * the rule's (property) dependencies. A reference is resolved, in order: by a known id equal to
 * another resource's id; by the property's own dependencies restricted to the expected types;
 * by the resource's dependencies restricted to those types. One candidate is an answer (an
 * unknown inside an inline rule list shares the list's dependencies, but if only one resource of
 * the expected type is among them, it can only be that one); several are a "maybe" over each of
 * them; none leaves the reference unresolved.
 */
import type { NetResource } from "./model";
import { isUnknown, str, UNKNOWN } from "./values";

export interface Ref {
  /** The URNs the reference may point to. */
  readonly urns: readonly string[];
  /** True when exactly one candidate was found by id or a single matching dependency. */
  readonly certain: boolean;
}

export class ResourceGraph {
  readonly byUrn = new Map<string, NetResource>();
  private readonly byId = new Map<string, string>();
  private readonly byType = new Map<string, NetResource[]>();

  constructor(readonly resources: readonly NetResource[]) {
    for (const r of resources) {
      this.byUrn.set(r.urn, r);
      const list = this.byType.get(r.type) ?? [];
      list.push(r);
      this.byType.set(r.type, list);
      const id = r.id ?? str(propsOf(r).id);
      if (typeof id === "string" && id !== "" && !isUnknown(id)) this.byId.set(id, r.urn);
    }
  }

  ofType(...types: string[]): NetResource[] {
    return types.flatMap((t) => this.byType.get(t) ?? []);
  }

  /**
   * Resolves the value found at `prop` (top-level property name) of `from` to resources of
   * `types`. Literal values that match no resource (e.g. an existing `sg-0abc`) come back as
   * `{ literal }` so that callers can still compare them to other literals.
   */
  resolve(from: NetResource, prop: string, value: unknown, types: readonly string[]): Ref | { literal: string } | undefined {
    const typed = (urns: readonly string[] | undefined) => [...new Set(urns ?? [])].filter((u) => types.includes(this.byUrn.get(u)?.type ?? "")).sort();
    const s = str(value);
    if (s === undefined) return undefined;
    if (s !== UNKNOWN) {
      const urn = this.byId.get(s);
      if (urn && types.includes(this.byUrn.get(urn)!.type)) return { urns: [urn], certain: true };
      if (this.byUrn.has(s) && types.includes(this.byUrn.get(s)!.type)) return { urns: [s], certain: true };
      // A known id nobody in the stack carries (CrossGuard's props hold no id): the property's
      // own dependency still names the resource, when it names exactly one of the right type.
      // An ARN is not the id of the resource it names (a load balancer's id is its ARN only once
      // deployed): the dependency decides, whatever id the resource carries.
      const deps = typed(from.propertyDependencies?.[prop]).filter((u) => s.startsWith("arn:") || !this.idOf(u));
      if (deps.length === 1) return { urns: deps, certain: true };
      if (deps.length > 1) return { urns: deps, certain: false };
      return { literal: s };
    }
    const viaProp = typed(from.propertyDependencies?.[prop]);
    if (viaProp.length) return { urns: viaProp, certain: viaProp.length === 1 };
    const viaDeps = typed(from.dependencies);
    if (viaDeps.length) return { urns: viaDeps, certain: viaDeps.length === 1 };
    return { urns: [], certain: false };
  }

  /** The id other resources use for `urn`, when known. */
  idOf(urn: string): string | undefined {
    const r = this.byUrn.get(urn);
    if (!r) return undefined;
    const id = r.id ?? str(propsOf(r).id);
    return typeof id === "string" && !isUnknown(id) ? id : undefined;
  }
}

export function propsOf(r: NetResource): Record<string, unknown> {
  return (r.props ?? r.inputs ?? {}) as Record<string, unknown>;
}

/** Last URN segment: the resource's logical name, for messages. */
export function displayName(r: NetResource): string {
  return r.name || r.urn.slice(r.urn.lastIndexOf("::") + 2);
}
