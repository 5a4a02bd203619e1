/**
 * The AWS egress path of proxied zones, per AZ, as plain data: which subnets the component
 * creates and every route it adds. Each AZ has its own path, so losing an AZ never sends
 * another AZ's traffic across zones, and the firewall sees both directions of each flow.
 *
 * The path has two subnets per AZ from the intent's reserved infrastructure block: an *inner*
 * one where traffic is inspected (the firewall endpoints, or the proxy instances and their load
 * balancer) and an *outer* one holding the NAT gateway. The address plan reserves a `firewall`
 * and a `proxy` subnet per AZ; a backend uses the one named after it as inner and the other,
 * which it would otherwise leave empty, as outer.
 *
 * network-firewall: zone -> firewall endpoint -> NAT -> IGW. The outer table routes each
 *   proxied zone subnet back through the endpoint of its AZ (a route more specific than the
 *   VPC's local one), or the firewall would see only half of each flow.
 * proxy-fleet: proxied zones get no route out at all; they reach the proxy's load balancer
 *   inside the VPC, and only the proxy subnets route to the NAT gateway.
 * Either way, a proxied zone's route table gets exactly the routes listed here and nothing
 * else to the internet: the zone has no other way out.
 */
import type { AddressPlan, InfraPurpose } from "../addressing/plan";
import { azKey } from "../addressing/plan";
import type { Intent } from "../intent/types";

export type EgressBackend = "network-firewall" | "proxy-fleet";

export type PathTarget = { readonly kind: "firewall-endpoint"; readonly azIndex: number } | { readonly kind: "nat"; readonly azIndex: number } | { readonly kind: "internet-gateway" };

export interface PathRoute {
  /** Stable name of the route within its table: `internet`, or the zone subnet key it returns to. */
  readonly key: string;
  readonly destination: string;
  readonly target: PathTarget;
}

export interface PathSubnet {
  /** Stable key, also the resource name suffix: `firewall-az1`, `proxy-az1`, `nat-az1`. */
  readonly key: string;
  readonly azIndex: number;
  readonly cidr: string;
  readonly routes: readonly PathRoute[];
}

export interface ZoneRoutes {
  /** The zone subnet's key (`app-az1`): its route table gets these routes. */
  readonly subnetKey: string;
  readonly zone: string;
  readonly azIndex: number;
  readonly cidr: string;
  readonly routes: readonly PathRoute[];
}

export interface AwsEgressPathPlan {
  readonly backend: EgressBackend;
  readonly inner: readonly PathSubnet[];
  readonly outer: readonly PathSubnet[];
  /** Proxied zones' subnets, by zone then AZ. */
  readonly zones: readonly ZoneRoutes[];
}

export const INTERNET = "0.0.0.0/0";

export function planAwsEgressPath(intent: Pick<Intent, "zones" | "availabilityZones" | "quarantine">, plan: Pick<AddressPlan, "subnets" | "infrastructure">, backend: EgressBackend): AwsEgressPathPlan {
  const innerPurpose: InfraPurpose = backend === "network-firewall" ? "firewall" : "proxy";
  const outerPurpose: InfraPurpose = backend === "network-firewall" ? "proxy" : "firewall";
  const proxied = new Set(intent.zones.filter((z) => z.egress === "proxy").map((z) => z.name));
  const zoneSubnets = plan.subnets.filter((s) => proxied.has(s.zone));
  // A quarantined zone's route to the firewall is withdrawn (its NACL denies everything as well).
  const quarantined = new Set((intent.quarantine ?? []).filter((q) => q.workload === undefined).map((q) => q.zone));
  const infra = (purpose: InfraPurpose, az: number) => {
    const s = plan.infrastructure.find((i) => i.purpose === purpose && i.azIndex === az);
    if (!s) throw new Error(`the address plan reserves no ${purpose} subnet for AZ ${az + 1}: the address space is too small for infrastructure subnets (they would be smaller than /28); use a larger addressSpace or fewer addressing.azSlots`);
    return s;
  };
  const azs = Array.from({ length: intent.availabilityZones }, (_, i) => i);
  const inner = azs.map((az): PathSubnet => ({ key: `${innerPurpose}-${azKey(az)}`, azIndex: az, cidr: infra(innerPurpose, az).cidr, routes: [{ key: "internet", destination: INTERNET, target: { kind: "nat", azIndex: az } }] }));
  const outer = azs.map(
    (az): PathSubnet => ({
      key: `nat-${azKey(az)}`,
      azIndex: az,
      cidr: infra(outerPurpose, az).cidr,
      routes: [
        { key: "internet", destination: INTERNET, target: { kind: "internet-gateway" } },
        ...(backend === "network-firewall" ? zoneSubnets.filter((s) => s.azIndex === az).map((s) => ({ key: s.key, destination: s.cidr, target: { kind: "firewall-endpoint" as const, azIndex: az } })) : []),
      ],
    }),
  );
  const zones = zoneSubnets.map(
    (s): ZoneRoutes => ({
      subnetKey: s.key,
      zone: s.zone,
      azIndex: s.azIndex,
      cidr: s.cidr,
      routes: backend === "network-firewall" && !quarantined.has(s.zone) ? [{ key: "internet", destination: INTERNET, target: { kind: "firewall-endpoint", azIndex: s.azIndex } }] : [],
    }),
  );
  return { backend, inner, outer, zones };
}

/**
 * The firewall endpoint serving one subnet, from the firewall's reported status. Undefined
 * while the status is not known yet (preview); a known status without the subnet is a bug.
 */
export function firewallEndpointFor(
  statuses: readonly { readonly syncStates?: readonly { readonly availabilityZone?: string; readonly attachments?: readonly { readonly endpointId?: string; readonly subnetId?: string }[] }[] }[] | undefined,
  subnetId: string | undefined,
  availabilityZone: string | undefined,
): string | undefined {
  if (!statuses || statuses.length === 0) return undefined;
  for (const st of statuses) {
    for (const sync of st.syncStates ?? []) {
      for (const a of sync.attachments ?? []) {
        if (a.endpointId && (a.subnetId === subnetId || (a.subnetId === undefined && sync.availabilityZone === availabilityZone))) return a.endpointId;
      }
    }
  }
  throw new Error(`the firewall reports no endpoint for subnet ${subnetId} (${availabilityZone}); it has: ${JSON.stringify(statuses)}`);
}
