/**
 * The transit-gateway leg of a path between two VPCs: once a subnet's route table sends the
 * packet to a gateway, the source VPC's attachment's associated TGW route table must have a
 * route (longest prefix, static before propagated) to an attachment in the destination VPC
 * that is not a blackhole. Without this leg a TGW table that wrongly joins two tenants would go
 * unseen, and the blackhole that keeps them apart would never be named.
 */
import type { CidrSet } from "../../net/cidr";
import type { RuleRef, Stage } from "../model";
import { blockStage, passStage, unknownStage } from "../stage";
import { longestPrefix } from "./prefix";
import type { TgwAttachment, TgwRoute, TgwTable, TransitModel } from "./transit";

type Outcome = { readonly kind: "pass"; readonly rule: RuleRef } | { readonly kind: "maybe"; readonly reason: string } | { readonly kind: "block"; readonly reason: string; readonly rule?: RuleRef };

export interface Leg {
  /** The source subnet's VPC (key as `Subnet.vpc`) and zone, for messages. */
  readonly vpc?: string;
  readonly name: string;
}

export interface Destination {
  readonly vpc?: string;
  readonly cidrs?: CidrSet;
  readonly name: string;
}

/** Static routes before propagated ones of the same prefix; among statics, a blackhole first. */
const rank = (r: TgwRoute) => (r.propagated ? 2 : r.target.kind === "blackhole" ? 0 : 1);

/** Whether a route's target may be, or certainly is, an attachment of the destination's VPC. */
function reaches(t: TransitModel, r: TgwRoute, to: Destination): "yes" | "maybe" | "no" {
  if (r.target.kind === "unknown") return "maybe";
  if (r.target.kind !== "attachment") return "no";
  const vpcs = r.target.urns.map((u) => t.attachments.get(u)?.vpc);
  if (to.vpc !== undefined && r.target.certain && vpcs[0] === to.vpc) return "yes";
  return vpcs.some((v) => v === undefined || to.vpc === undefined || v === to.vpc) ? "maybe" : "no";
}

function lookup(t: TransitModel, table: TgwTable, to: Destination): Outcome {
  const label = `TGW route table ${table.name}`;
  if (!to.cidrs) {
    const some = table.routes.some((r) => reaches(t, r, to) !== "no");
    return some ? { kind: "maybe", reason: `the addresses of ${to.name} are unknown at preview; ${label} may route them` } : { kind: "block", reason: `no route in ${label} to ${to.name}` };
  }
  const { decided, rest, unknown } = longestPrefix(table.routes, to.cidrs, rank);
  let pass: RuleRef | undefined;
  let maybe = false;
  let block: { reason: string; rule?: RuleRef } | undefined;
  for (const { route, part } of decided) {
    const r = reaches(t, route, to);
    if (r === "yes") pass ??= route.ref;
    else if (r === "maybe") maybe = true;
    else if (route.target.kind === "blackhole") block ??= { reason: `${label} blackholes ${route.dest}`, rule: route.ref };
    else if (route.target.kind === "outside") block ??= { reason: `${label} sends ${part} to ${route.target.id}, outside this stack, not to ${to.name}`, rule: route.ref };
    else {
      const names = route.target.kind === "attachment" ? route.target.urns.map((u) => t.attachments.get(u)?.name ?? u).join(", ") : "";
      block ??= { reason: `${label} sends ${part} to attachment ${names}, not to the VPC of ${to.name}`, rule: route.ref };
    }
  }
  // A route of unknown destination may be more specific than any: it may take the traffic
  // elsewhere (a certain pass becomes possible only) or bring it (a block becomes possible).
  const unsure = unknown.map((r) => reaches(t, r, to));
  if (pass) return unsure.some((r) => r !== "yes") ? { kind: "maybe", reason: `a route of ${label} whose destination is unknown at preview may take ${to.name}'s traffic elsewhere` } : { kind: "pass", rule: pass };
  if (maybe || unsure.some((r) => r !== "no")) return { kind: "maybe", reason: `the route to ${to.name} in ${label} depends on values unknown at preview` };
  if (block) return { kind: "block", ...block };
  return { kind: "block", reason: `no route in ${label} for ${rest}` };
}

/** One source attachment: each table it may be associated with. */
function fromAttachment(t: TransitModel, att: TgwAttachment, gateway: string, to: Destination): Outcome[] {
  if (!att.tables.length) return [{ kind: "block", reason: `attachment ${att.name} is associated with no route table of ${gateway}`, rule: { urn: att.urn, resource: att.name, rule: "route table association" } }];
  return att.tables.map((table) => {
    const o = lookup(t, table, to);
    return o.kind === "pass" && !(att.associationCertain && att.tables.length === 1) ? { kind: "maybe", reason: `attachment ${att.name} may be associated with ${table.name} or another table` } : o;
  });
}

/**
 * The TGW leg from `from`'s VPC to `to`, through any of `gateways` (the TGWs the VPC route names;
 * `certain` when it names exactly one).
 */
export function transitStage(t: TransitModel, gateways: readonly string[], certain: boolean, from: Leg, to: Destination, back: boolean): Stage {
  const outcomes: Outcome[] = [];
  const names: string[] = [];
  for (const urn of gateways) {
    const gw = t.gateways.get(urn)!;
    names.push(gw.name);
    const own = from.vpc === undefined ? [] : gw.attachments.filter((a) => a.vpc === from.vpc);
    const unsure = gw.attachments.filter((a) => a.vpc === undefined || from.vpc === undefined);
    if (!own.length && !unsure.length) outcomes.push({ kind: "block", reason: `the VPC of ${from.name} has no attachment to transit gateway ${gw.name}` });
    for (const att of own) outcomes.push(...fromAttachment(t, att, gw.name, to));
    for (const att of unsure) for (const o of fromAttachment(t, att, gw.name, to)) if (o.kind !== "block") outcomes.push({ kind: "maybe", reason: `attachment ${att.name}'s VPC is unknown at preview` });
  }
  const label = `transit gateway ${names.join(" or ")}${back ? " (return)" : ""}`;
  const pass = outcomes.find((o) => o.kind === "pass");
  if (pass && certain) return passStage(label, pass.rule);
  const maybe = outcomes.find((o) => o.kind === "maybe");
  if (pass || maybe) return unknownStage(label, maybe && maybe.kind === "maybe" ? maybe.reason : `the route to ${to.name} may go through another transit gateway`);
  const block = outcomes.find((o) => o.kind === "block");
  return block && block.kind === "block" ? blockStage(label, block.reason, block.rule) : blockStage(label, `no transit gateway route to ${to.name}`);
}
