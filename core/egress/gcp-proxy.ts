/**
 * The GCP egress proxy as plain data: a Squid fleet per region (a regional managed instance
 * group behind an internal passthrough TCP load balancer on 3128) in the network's reserved
 * proxy subnet of that region, the firewall rules around it and the route and Cloud NAT it
 * leaves through. The component creates exactly this.
 *
 * Who may talk to whom, each rule logged, all at netseg's allow priority (1000, below the
 * network's deny-all at 65534):
 * - `clients` (ingress): tcp/3128 to the proxy's service account, only from the proxied zones'
 *   service accounts. The load balancer is passthrough, so the proxy sees the client's own
 *   address and identity; Squid's `src` ACLs then apply per zone, as on AWS.
 * - `health` (ingress): tcp/3128 from Google's health-check ranges only.
 * - `zones-out` (egress): the proxied zones may send tcp/3128 to the proxy subnets, only when the
 *   network was planned without `egressProxyPort`: its own rules towards the proxy ranges then
 *   carry the destination ports (as for a transparent proxy) and this proxy needs its listen
 *   port. A network planned with `egressProxyPort: 3128` already opens exactly that (and no
 *   destination port), so the rule is left out; any other port is refused with the fix.
 * - `out` (egress): the proxy to the internet on the allow-listed ports (plus bootstrap ports for
 *   its own packages and logs); Squid narrows that to the listed names.
 * No rule admits SSH: instances are replaced, never logged into (OS Login is on regardless, and
 * project-wide SSH keys are blocked, so a key added later opens nothing).
 *
 * Only proxy instances carry the proxy's network tag, which is what the internet route selects:
 * the proxied zones still have no route out.
 */
import { planLayout } from "../addressing/plan";
import type { Intent } from "../intent/types";
import { gcpName } from "../rules/gcp/names";
import type { GcpNetworkPlan } from "../rules/gcp/types";
import { destinationPorts, egressSources, type EgressSource } from "./sources";
import { renderSquidConfig, SQUID_PORT } from "./squid";

/** Source ranges of Google Cloud health checks (and of passthrough load balancer probes). */
export const GCP_HEALTH_CHECK_RANGES = ["35.191.0.0/16", "130.211.0.0/22"] as const;
export const GCP_ALLOW_PRIORITY = 1000;

export interface GcpProxyRegionPlan {
  readonly region: string;
  readonly regionIndex: number;
  /** The proxy subnet; `name` is its GCP name when the component creates it. */
  readonly subnet: { readonly key: string; readonly name: string; readonly cidr: string };
  /** `templatePrefix`: instance templates are replaced, never edited, so they get a name prefix. */
  readonly names: { readonly templatePrefix: string; readonly group: string; readonly healthCheck: string; readonly backend: string; readonly forwardingRule: string; readonly router: string; readonly nat: string };
}

export interface GcpProxyFirewallPlan {
  readonly key: "clients" | "health" | "zones-out" | "out";
  readonly name: string;
  readonly direction: "INGRESS" | "EGRESS";
  readonly description: string;
  readonly ports: readonly number[];
  /** Who the rule applies to: the proxy, or the proxied zones. */
  readonly target: "proxy" | "zones";
  /** Ingress: the proxied zones (by service account), or address ranges. */
  readonly sourceZones: readonly string[];
  readonly sourceRanges: readonly string[];
  readonly destinationRanges: readonly string[];
}

export interface GcpEgressProxyPlan {
  readonly prefix: string;
  readonly listenPort: number;
  /** Proxied zones, by name; their service accounts are the only clients. */
  readonly zones: readonly string[];
  readonly sources: readonly EgressSource[];
  readonly serviceAccountId: string;
  readonly networkTag: string;
  readonly regions: readonly GcpProxyRegionPlan[];
  readonly firewalls: readonly GcpProxyFirewallPlan[];
  readonly route: { readonly name: string; readonly destRange: "0.0.0.0/0"; readonly priority: number };
  readonly squidConfig: string;
}

export interface GcpEgressProxyOptions {
  /** Ports the proxy itself needs out besides the allow-list (packages, logs): default [443]. */
  readonly bootstrapEgressPorts?: readonly number[];
  /** Proxy subnet CIDR per region when the subnets exist already (same order as the regions). */
  readonly subnetCidrs?: readonly string[];
}

/** Plans the proxy for a network planned by `planGcpNetwork`; throws with a fix when it cannot. */
export function planGcpEgressProxy(
  intent: Intent,
  network: Pick<GcpNetworkPlan, "namePrefix" | "regions" | "zones" | "targeting" | "egressProxyPort">,
  options: GcpEgressProxyOptions = {},
): GcpEgressProxyPlan {
  const zones = intent.zones.filter((z) => z.egress === "proxy").map((z) => z.name).sort();
  if (zones.length === 0) throw new Error(`intent "${intent.name}" has no zone with egress: proxy, so the GCP egress proxy would serve nobody; set egress: proxy on the zones that must go through the allow-list`);
  if (network.targeting !== "serviceAccount") throw new Error(`the GCP egress proxy admits clients by their zone's service account, but the network targets by ${network.targeting}; build the SegmentedNetwork with targeting: "serviceAccount" (the default)`);
  // GCP takes at most 10 source (and target) service accounts per firewall rule.
  if (zones.length > 10) throw new Error(`${zones.length} zones have egress: proxy, but a GCP firewall rule names at most 10 service accounts; group them into at most 10 zones`);
  if (network.egressProxyPort !== undefined && network.egressProxyPort !== SQUID_PORT) {
    throw new Error(`the network's rules open tcp/${network.egressProxyPort} towards the egress proxy, but the proxy listens on tcp/${SQUID_PORT}; build the SegmentedNetwork with egressProxyPort: ${SQUID_PORT}`);
  }
  const prefix = network.namePrefix;
  // The layout planGcpNetwork uses (a region per AZ slot): Squid's per-zone `src` ACLs need the
  // zones' GCP subnets, and the reserved proxy subnets come from the same plan.
  const layout = planLayout({ addressSpace: intent.addressSpace, zoneSlots: intent.addressing.zoneSlots, azSlots: intent.addressing.azSlots, availabilityZones: network.regions.length, zones: intent.zones });
  const sources = egressSources(intent, layout);
  const reserved = layout.infrastructure.filter((s) => s.purpose === "proxy").sort((a, b) => a.azIndex - b.azIndex);
  const cidrs = options.subnetCidrs ?? reserved.map((s) => s.cidr);
  if (cidrs.length !== network.regions.length) {
    throw new Error(options.subnetCidrs ? `subnetCidrs lists ${cidrs.length} proxy subnets for ${network.regions.length} regions; give one per region, in the regions' order` : `the address space ${intent.addressSpace} is too small to reserve proxy subnets (they would be smaller than /28); use a larger addressSpace or pass the proxy subnets`);
  }
  const n = (...parts: string[]) => gcpName([prefix, "egress-proxy", ...parts]);
  const regions = network.regions.map(
    (region, i): GcpProxyRegionPlan => ({
      region,
      regionIndex: i,
      subnet: { key: `proxy-${region}`, name: gcpName([prefix, "proxy", region]), cidr: cidrs[i] },
      names: { templatePrefix: `${gcpName([prefix, "egress-proxy", region], 36)}-`, group: n(region), healthCheck: n(region, "hc"), backend: n(region, "be"), forwardingRule: n(region, "ilb"), router: n(region, "router"), nat: n(region, "nat") },
    }),
  );
  const listed = destinationPorts(sources);
  const outPorts = [...new Set([...listed, ...(options.bootstrapEgressPorts ?? [443])])].sort((a, b) => a - b);
  const fw = (f: Omit<GcpProxyFirewallPlan, "name">): GcpProxyFirewallPlan => ({ ...f, name: n(f.key) });
  const firewalls = [
    fw({ key: "clients", direction: "INGRESS", description: `netseg egress proxy of ${intent.name}: tcp/${SQUID_PORT} from the proxied zones ${zones.join(", ")} only`, ports: [SQUID_PORT], target: "proxy", sourceZones: zones, sourceRanges: [], destinationRanges: [] }),
    fw({ key: "health", direction: "INGRESS", description: `netseg egress proxy of ${intent.name}: health checks on tcp/${SQUID_PORT} from Google's probe ranges`, ports: [SQUID_PORT], target: "proxy", sourceZones: [], sourceRanges: [...GCP_HEALTH_CHECK_RANGES], destinationRanges: [] }),
    fw({ key: "out", direction: "EGRESS", description: `netseg egress proxy of ${intent.name}: out on the allow-listed ports ${listed.join(", ") || "(none)"} (Squid narrows to the listed names) and ${outPorts.filter((p) => !listed.includes(p)).join(", ") || "no other"} for its own packages and logs`, ports: outPorts, target: "proxy", sourceZones: [], sourceRanges: [], destinationRanges: ["0.0.0.0/0"] }),
    // Only when the network's own proxy-bound rules do not carry the listen port already.
    ...(network.egressProxyPort === undefined
      ? [fw({ key: "zones-out", direction: "EGRESS", description: `netseg: the proxied zones ${zones.join(", ")} reach the egress proxy on tcp/${SQUID_PORT}`, ports: [SQUID_PORT], target: "zones", sourceZones: [], sourceRanges: [], destinationRanges: [...cidrs] })]
      : []),
  ];
  return {
    prefix,
    listenPort: SQUID_PORT,
    zones,
    sources,
    serviceAccountId: gcpName([prefix, "egress-proxy"], 30),
    networkTag: n(),
    regions,
    firewalls,
    route: { name: n("internet"), destRange: "0.0.0.0/0", priority: GCP_ALLOW_PRIORITY },
    squidConfig: renderSquidConfig(sources, { name: intent.name }),
  };
}
