/**
 * examples/saas-tenants for the tenant tests: its intent, every planned thing that has an
 * identity, and the ways a fleet grows.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import type { IntentInput, Intent } from "../../../core/intent";
import { planAddresses } from "../../../core/addressing";
import { planTenantRouting, sharedServicesIntent, tenantIntent } from "../../../core/tenants";

const EXAMPLE = path.resolve(__dirname, "../../../examples/saas-tenants/intent.yaml");

export function exampleInput(): IntentInput {
  return parse(readFileSync(EXAMPLE, "utf8")) as IntentInput;
}

/** Every planned thing that has an identity, by stable key: `what key -> CIDR or target`. */
export function layoutOf(intent: Intent): Map<string, string> {
  const out = new Map<string, string>();
  const routing = planTenantRouting(intent.tenants!);
  for (const t of routing.tenants) out.set(`tenant ${t.tenant}`, t.block);
  for (const table of routing.routeTables) for (const r of table.routes) out.set(`tgw-route ${table.key} ${r.destination}`, JSON.stringify(r.target));
  for (const [k, routes] of Object.entries(routing.vpcRoutes)) out.set(`vpc-routes ${k}`, routes.join(","));
  const vpcs = [sharedServicesIntent(intent), ...intent.tenants!.members.map((m) => tenantIntent(intent, m))];
  for (const v of vpcs) {
    const plan = planAddresses(v);
    out.set(`vpc ${v.name}`, v.addressSpace);
    for (const z of plan.zones) out.set(`zone-block ${v.name} ${z.zone}`, z.cidr);
    for (const s of plan.subnets) out.set(`subnet ${v.name} ${s.key}`, s.cidr);
    for (const s of plan.infrastructure) out.set(`infra-subnet ${v.name} ${s.key}`, s.cidr);
    for (const f of v.flows) out.set(`flow ${v.name} ${f.key}`, JSON.stringify(f.ports));
  }
  return out;
}

type Growth = (input: IntentInput) => void;

export const GROWTH: Record<string, Growth> = {
  "a template zone": (i) => void i.tenants!.zones.push({ name: "cache", sensitive: true }),
  "an availability zone": (i) => void (i.tenants!.availabilityZones = (i.tenants!.availabilityZones ?? 2) + 1),
  "a tenant": (i) => void i.tenants!.members.push({ name: "newco", tags: { plan: "standard" } }),
  "a shared-services zone": (i) => {
    const shared = i.tenants!.sharedServices as { zones?: { name: string; slot?: number }[] };
    shared.zones = [...(shared.zones ?? [{ name: "services", slot: 0 }]), { name: "auth" }];
  },
  "a template flow": (i) => void i.tenants!.flows!.push({ from: "web", to: "data", ports: ["tcp/6379"] }),
};
