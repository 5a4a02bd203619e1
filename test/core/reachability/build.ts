/** Tiny builders for resources as a preview records them: URN, id, props, dependencies. */
import type { NetResource } from "../../../core/reachability";

/** Pulumi's unknown-string sentinel, as a preview hands it over. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::netseg::${type}::${name}`;
}

export function res(type: string, name: string, props: Record<string, unknown>, extra: Partial<NetResource> = {}): NetResource {
  return { type, name, urn: urnOf(type, name), id: `${name}-id`, props, ...extra };
}

/** The same resource without its id, as CrossGuard hands resources to a stack policy. */
export function withoutId(r: NetResource): NetResource {
  const { id: _id, ...rest } = r;
  return rest;
}
