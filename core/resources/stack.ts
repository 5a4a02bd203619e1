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

  constructor(readonly resources: readonly StackResource[]) {
    for (const r of resources) {
      this.byUrn.set(r.urn, r);
      for (const key of ["id", "arn"]) {
        const v = isObject(r.props) ? str(r.props[key]) : undefined;
        if (typeof v === "string" && v !== "") this.byId.set(v, r);
      }
    }
  }

  get(urn: string): StackResource | undefined {
    return this.byUrn.get(urn);
  }

  ofType(...types: readonly string[]): StackResource[] {
    return this.resources.filter((r) => types.includes(r.type));
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

  /** Resources that depend on `target` (through any property or plain dependency). */
  dependents(target: StackResource): StackResource[] {
    return this.resources.filter(
      (r) => r.urn !== target.urn && (r.dependencies.includes(target.urn) || Object.values(r.propertyDependencies).some((l) => l.includes(target.urn))),
    );
  }
}

/** `urn:pulumi:stack::project::type::name` -> `name`, for messages. */
export function shortName(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i >= 0 ? urn.slice(i + 2) : urn;
}
