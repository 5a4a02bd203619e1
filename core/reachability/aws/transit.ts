/**
 * AWS transit gateways as plain records: each gateway with its default route tables, its VPC
 * attachments (which VPC, which table their traffic is looked up in), and every TGW route table
 * with its static routes (to an attachment, or a blackhole) and propagated ones (an attachment's
 * VPC block, appearing where the attachment propagates). A VPC route to the gateway is only half
 * the way: the attachment's table decides whether the packet reaches the other VPC, which is
 * where tenant fleets keep tenants apart. References are joined through the resource graph, so
 * unknown ids at preview still land by (property) dependencies.
 */
import { CidrSet } from "../../net/cidr";
import { displayName, propsOf, type ResourceGraph } from "../graph";
import type { NetResource, RuleRef } from "../model";
import { arr, bool, str, triAnd, UNKNOWN, type Tri } from "../values";
import { cidrsOf, ref } from "./common";
import { AWS } from "./types";

export type TgwRouteTarget =
  | { readonly kind: "attachment"; readonly urns: readonly string[]; readonly certain: boolean }
  /** An attachment outside the stack (a VPN, a peering, another account's VPC). */
  | { readonly kind: "outside"; readonly id: string }
  | { readonly kind: "blackhole" }
  | { readonly kind: "unknown" };

export interface TgwRoute {
  readonly ref: RuleRef;
  readonly dest: CidrSet;
  readonly destUnknown: boolean;
  readonly target: TgwRouteTarget;
  /** Propagated from an attachment (a static route of the same prefix wins over it). */
  readonly propagated: boolean;
}

export interface TgwTable {
  readonly urn: string;
  readonly name: string;
  readonly routes: TgwRoute[];
}

export interface TgwAttachment {
  readonly urn: string;
  readonly name: string;
  /** Same key as `Subnet.vpc`: the VPC's URN, or its literal id; undefined when ambiguous. */
  readonly vpc?: string;
  /** The tables its traffic may be looked up in (one when known), and whether that is certain. */
  tables: TgwTable[];
  associationCertain: boolean;
  /** The subnets its network interfaces sit in (`subnetIds`), and whether every one is known for sure. */
  readonly subnets: readonly string[];
  readonly subnetsCertain: boolean;
}

export interface TransitGateway {
  readonly urn: string;
  readonly name: string;
  /** The table attachments associate with / propagate to by default, when the gateway does so. */
  defaultAssociation: { readonly table: TgwTable; readonly on: Tri };
  defaultPropagation: { readonly table: TgwTable; readonly on: Tri };
  readonly attachments: TgwAttachment[];
}

export interface TransitModel {
  readonly gateways: Map<string, TransitGateway>;
  readonly attachments: Map<string, TgwAttachment>;
}

/** AWS's "enable"/"disable" flags (default enable), and booleans (default true), as a Tri. */
function flag(v: unknown): Tri {
  const s = str(v);
  if (s === UNKNOWN) return "maybe";
  if (s === "disable" || s === "false") return "no";
  if (s === undefined || s === "enable" || s === "true") return "yes";
  const b = bool(v);
  return b === false ? "no" : b === UNKNOWN ? "maybe" : "yes";
}

export function readTransit(g: ResourceGraph): TransitModel {
  const gateways = new Map<string, TransitGateway>();
  const tables = new Map<string, TgwTable>();
  const attachments = new Map<string, TgwAttachment>();
  for (const r of g.ofType(AWS.tgw)) {
    const p = propsOf(r);
    const table: TgwTable = { urn: `${r.urn}#default`, name: `default route table of ${displayName(r)}`, routes: [] };
    gateways.set(r.urn, {
      urn: r.urn,
      name: displayName(r),
      defaultAssociation: { table, on: flag(p.defaultRouteTableAssociation) },
      defaultPropagation: { table, on: flag(p.defaultRouteTablePropagation) },
      attachments: [],
    });
  }
  for (const r of g.ofType(AWS.tgwRouteTable)) tables.set(r.urn, { urn: r.urn, name: displayName(r), routes: [] });

  const single = (from: NetResource, prop: string, types: string[]): string | undefined => {
    const res = g.resolve(from, prop, propsOf(from)[prop], types);
    return res && !("literal" in res) && res.urns.length === 1 ? res.urns[0] : undefined;
  };
  /** The tables a reference may name: a TGW route table, or (through the gateway's outputs) its default table. */
  const tablesOf = (from: NetResource, prop: string): { tables: TgwTable[]; certain: boolean } => {
    const res = g.resolve(from, prop, propsOf(from)[prop], [AWS.tgwRouteTable, AWS.tgw]);
    if (!res || "literal" in res) return { tables: [], certain: false };
    const out = res.urns.map((u) => tables.get(u) ?? gateways.get(u)!.defaultAssociation.table);
    return { tables: out, certain: res.certain && out.length === 1 };
  };

  for (const r of g.ofType(AWS.tgwAttachment)) {
    const p = propsOf(r);
    const vpc = g.resolve(r, "vpcId", p.vpcId, [AWS.vpc]);
    const ids = arr(p.subnetIds);
    const subnetRefs = (ids === UNKNOWN ? [UNKNOWN] : (ids ?? [])).map((v) => g.resolve(r, "subnetIds", v, [AWS.subnet]));
    const subnetUrns = [...new Set(subnetRefs.flatMap((s) => (s && !("literal" in s) ? s.urns : [])))].sort();
    const att: TgwAttachment = {
      urn: r.urn,
      name: displayName(r),
      vpc: !vpc ? undefined : "literal" in vpc ? vpc.literal : vpc.urns.length === 1 ? vpc.urns[0] : undefined,
      tables: [],
      associationCertain: true,
      subnets: subnetUrns,
      // Unknown ids at preview still name their subnets through the property's dependencies: as
      // many subnets as ids, each id one of them, is the set itself.
      subnetsCertain: ids !== UNKNOWN && subnetRefs.length > 0 && subnetRefs.every((s) => s && !("literal" in s) && s.urns.length > 0) && subnetUrns.length === subnetRefs.length,
    };
    attachments.set(r.urn, att);
    const gw = single(r, "transitGatewayId", [AWS.tgw]);
    if (gw) gateways.get(gw)!.attachments.push(att);
  }
  // A gateway's default tables may be replaced by one of its own route tables.
  for (const [type, key] of [[AWS.tgwDefaultAssoc, "defaultAssociation"], [AWS.tgwDefaultProp, "defaultPropagation"]] as const) {
    for (const r of g.ofType(type)) {
      const gw = single(r, "transitGatewayId", [AWS.tgw]);
      const t = tablesOf(r, "transitGatewayRouteTableId");
      if (gw && t.certain) gateways.get(gw)![key] = { ...gateways.get(gw)![key], table: t.tables[0] };
    }
  }

  const explicit = new Set<string>();
  for (const r of g.ofType(AWS.tgwRtAssoc)) {
    const a = g.resolve(r, "transitGatewayAttachmentId", propsOf(r).transitGatewayAttachmentId, [AWS.tgwAttachment]);
    if (!a || "literal" in a) continue;
    const t = tablesOf(r, "transitGatewayRouteTableId");
    for (const u of a.urns) {
      const att = attachments.get(u)!;
      att.tables = explicit.has(u) ? [...att.tables, ...t.tables] : [...t.tables];
      // A second association of the same attachment leaves it ambiguous.
      att.associationCertain = !explicit.has(u) && t.certain && a.certain && a.urns.length === 1;
      explicit.add(u);
    }
  }

  /** The VPC block an attachment propagates (unknown when its VPC is outside the stack or unknown). */
  const propagated = (att: TgwAttachment, rule: RuleRef): TgwRoute => {
    const vpc = att.vpc ? g.byUrn.get(att.vpc) : undefined;
    const c = vpc ? cidrsOf(propsOf(vpc).cidrBlock, propsOf(vpc).ipv6CidrBlock) : { set: CidrSet.EMPTY, unknown: true };
    return { ref: rule, dest: c.set, destUnknown: c.unknown, target: { kind: "attachment", urns: [att.urn], certain: true }, propagated: true };
  };
  for (const gw of gateways.values()) {
    for (const att of gw.attachments) {
      const r = g.byUrn.get(att.urn)!;
      const p = propsOf(r);
      if (!explicit.has(att.urn)) {
        const on = triAnd(gw.defaultAssociation.on, flag(p.transitGatewayDefaultRouteTableAssociation));
        att.tables = on === "no" ? [] : [gw.defaultAssociation.table];
        att.associationCertain = on !== "maybe";
      }
      const prop = triAnd(gw.defaultPropagation.on, flag(p.transitGatewayDefaultRouteTablePropagation));
      // A propagation that may not happen is a route that may not exist: its target is unknown.
      if (prop !== "no") {
        const route = propagated(att, ref(r, "default route table propagation"));
        gw.defaultPropagation.table.routes.push(prop === "yes" ? route : { ...route, target: { kind: "unknown" } });
      }
    }
  }
  for (const r of g.ofType(AWS.tgwRtProp)) {
    const a = g.resolve(r, "transitGatewayAttachmentId", propsOf(r).transitGatewayAttachmentId, [AWS.tgwAttachment]);
    const t = tablesOf(r, "transitGatewayRouteTableId");
    if (!a || "literal" in a || !a.urns.length) continue;
    const sure = a.certain && a.urns.length === 1 && t.certain;
    for (const table of t.tables) {
      for (const u of a.urns) {
        const route = propagated(attachments.get(u)!, ref(r, `propagation of ${attachments.get(u)!.name}`));
        table.routes.push(sure ? route : { ...route, target: { kind: "unknown" } });
      }
    }
  }
  for (const r of g.ofType(AWS.tgwRoute)) {
    const p = propsOf(r);
    const t = tablesOf(r, "transitGatewayRouteTableId");
    const c = cidrsOf(p.destinationCidrBlock, undefined);
    const target = routeTarget(g, r);
    // Several candidate tables: the route may be in any of them, with an unknown effect in each.
    for (const table of t.tables) {
      table.routes.push({ ref: ref(r, `route ${c.unknown ? "(unknown destination)" : c.set}`), dest: c.set, destUnknown: c.unknown, target: t.certain ? target : { kind: "unknown" }, propagated: false });
    }
  }
  return { gateways, attachments };
}

function routeTarget(g: ResourceGraph, r: NetResource): TgwRouteTarget {
  const p = propsOf(r);
  const blackhole = bool(p.blackhole);
  if (blackhole === true) return { kind: "blackhole" };
  if (blackhole === UNKNOWN) return { kind: "unknown" };
  const a = g.resolve(r, "transitGatewayAttachmentId", p.transitGatewayAttachmentId, [AWS.tgwAttachment]);
  if (!a) return { kind: "blackhole" };
  if ("literal" in a) return { kind: "outside", id: a.literal };
  if (!a.urns.length) return { kind: "unknown" };
  return { kind: "attachment", urns: a.urns, certain: a.certain && a.urns.length === 1 };
}
