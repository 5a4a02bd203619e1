/**
 * A stack's resources as plain data: what a policy engine hands over, minus the engine. Both the
 * policy packs and the reachability engine read resources in this shape, so joins (a standalone
 * rule to its group, a prefix list to the rule naming it) are written once.
 */
import { isObject, str, UNKNOWN, type PlainObject } from "./plain";

export interface StackResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly props: PlainObject;
  /** URNs this resource depends on. */
  readonly dependencies: readonly string[];
  /** Top-level property name -> URNs of the resources its value came from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly parent?: string;
}

/** Index of a stack's resources by URN and by physical id (known after deployment only). */
export class StackIndex {
  private readonly byUrn = new Map<string, StackResource>();
  private readonly byId = new Map<string, StackResource>();
  private readonly byType = new Map<string, StackResource[]>();
  private readonly position = new Map<StackResource, number>();
  private dependentsByUrn: Map<string, StackResource[]> | undefined;
  private readonly views = new Map<(index: StackIndex) => unknown, unknown>();

  constructor(readonly resources: readonly StackResource[]) {
    for (const [i, r] of resources.entries()) {
      this.byUrn.set(r.urn, r);
      this.position.set(r, i);
      const sameType = this.byType.get(r.type);
      if (sameType) sameType.push(r);
      else this.byType.set(r.type, [r]);
      for (const key of ["id", "arn"]) {
        const v = isObject(r.props) ? str(r.props[key]) : undefined;
        if (typeof v === "string" && v !== "") this.byId.set(v, r);
      }
    }
  }

  /**
   * What `build` derives from this stack, built on the first call and the same object after: the
   * stack rules of one pack call share one index, and several of them read the same view (every
   * security group with its rules, every NACL with its entries). A view is read, never changed.
   */
  view<T>(build: (index: StackIndex) => T): T {
    if (!this.views.has(build)) this.views.set(build, build(this));
    return this.views.get(build) as T;
  }

  get(urn: string): StackResource | undefined {
    return this.byUrn.get(urn);
  }

  /** The resources of any of `types`, in stack order. */
  ofType(...types: readonly string[]): StackResource[] {
    const lists = [...new Set(types)].map((t) => this.byType.get(t) ?? []).filter((l) => l.length > 0);
    if (lists.length <= 1) return [...(lists[0] ?? [])];
    return lists.flat().sort((a, b) => this.position.get(a)! - this.position.get(b)!);
  }

  /**
   * The resources of `types` that `from.props[property]` refers to: by URN through the property's
   * dependencies (what works at preview, when ids are unknown), else by a known id or ARN.
   */
  referenced(from: StackResource, property: string, types: readonly string[]): StackResource[] {
    const out = new Map<string, StackResource>();
    for (const urn of from.propertyDependencies[property] ?? []) {
      const r = this.byUrn.get(urn);
      if (r && types.includes(r.type)) out.set(r.urn, r);
    }
    const raw = from.props[property];
    const values = Array.isArray(raw) ? raw : [raw];
    for (const v of values) {
      const s = str(v);
      if (s !== UNKNOWN && s !== undefined) {
        const r = this.byId.get(s);
        if (r && types.includes(r.type)) out.set(r.urn, r);
      }
    }
    return [...out.values()].sort((a, b) => a.urn.localeCompare(b.urn));
  }

  /**
   * Like `referenced`, but falls back to plain dependencies when the engine sent no property
   * dependencies and exactly one candidate of `types` is among them.
   */
  referencedOrOnlyDependency(from: StackResource, property: string, types: readonly string[]): StackResource[] {
    const direct = this.referenced(from, property, types);
    if (direct.length > 0 || (from.propertyDependencies[property]?.length ?? 0) > 0) return direct;
    const deps = from.dependencies.map((u) => this.byUrn.get(u)).filter((r): r is StackResource => !!r && types.includes(r.type));
    return deps.length === 1 ? deps : [];
  }

  /** Resources that depend on `target` (through any property or plain dependency), in stack order. */
  dependents(target: StackResource): StackResource[] {
    if (!this.dependentsByUrn) {
      // Built on first use: one pass over every dependency instead of one pass over the stack per call.
      const index = new Map<string, StackResource[]>();
      for (const r of this.resources) {
        const targets = new Set([...r.dependencies, ...Object.values(r.propertyDependencies).flat()]);
        targets.delete(r.urn);
        for (const urn of targets) {
          const list = index.get(urn);
          if (list) list.push(r);
          else index.set(urn, [r]);
        }
      }
      this.dependentsByUrn = index;
    }
    return [...(this.dependentsByUrn.get(target.urn) ?? [])];
  }
}

/** `urn:pulumi:stack::project::type::name` -> `name`, for messages. */
export function shortName(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i >= 0 ? urn.slice(i + 2) : urn;
}
