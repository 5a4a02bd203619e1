/**
 * The slot grids an intent leaves to be derived. `tenants.addressing` and
 * `tenants.sharedServices.addressing` fix how every tenant block and the shared-services VPC are
 * cut; left out, the grid is derived from today's zone and AZ counts (the layout of netseg before
 * they could be written), and adding a zone or an AZ past the next power of two re-cuts every
 * subnet. `netseg plan` names them and `netseg plan --pin` writes them down, like unpinned slots.
 */
import type { Addressing, Intent } from "./types";

export interface UnpinnedGrid {
  readonly kind: "tenant grid" | "shared-services grid";
  /** The map the `addressing` field goes into: `tenants` or `tenants.sharedServices`. */
  readonly owner: readonly ["tenants"] | readonly ["tenants", "sharedServices"];
  /** A key every such map has, after which the field is written. */
  readonly after: "blockPrefix" | "addressSpace";
  readonly grid: Addressing;
}

export function unpinnedGrids(intent: Intent): UnpinnedGrid[] {
  const t = intent.tenants;
  if (!t) return [];
  const out: UnpinnedGrid[] = [];
  if (!t.addressingPinned) out.push({ kind: "tenant grid", owner: ["tenants"], after: "blockPrefix", grid: t.addressing });
  if (!t.sharedServices.addressingPinned) out.push({ kind: "shared-services grid", owner: ["tenants", "sharedServices"], after: "addressSpace", grid: t.sharedServices.addressing });
  return out;
}

export function gridText(g: Addressing, json = false, compact = false): string {
  if (!json) return `{ zoneSlots: ${g.zoneSlots}, azSlots: ${g.azSlots} }`;
  return compact ? `{"zoneSlots":${g.zoneSlots},"azSlots":${g.azSlots}}` : `{ "zoneSlots": ${g.zoneSlots}, "azSlots": ${g.azSlots} }`;
}

/** The line `netseg plan` prints for an unpinned grid. */
export function describeUnpinnedGrid(g: UnpinnedGrid): string {
  const field = `${g.owner.join(".")}.addressing`;
  return `${g.kind}: ${field} is not written, so it follows the zone and AZ counts (now ${g.grid.zoneSlots} zone slots x ${g.grid.azSlots} AZ slots) and a zone or AZ added past them re-cuts every subnet it lays out: add \`addressing: ${gridText(g.grid)}\` under ${g.owner.join(".")}`;
}
