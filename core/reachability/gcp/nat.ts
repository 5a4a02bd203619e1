/**
 * Cloud NAT (`compute.RouterNat` on a `compute.Router`): the way out to the internet for
 * instances without an external IP. A NAT serves either every subnetwork of its router's network
 * in its region (`sourceSubnetworkIpRangesToNat` ALL_SUBNETWORKS_ALL_IP_RANGES or
 * ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES) or the ones it lists (LIST_OF_SUBNETWORKS with
 * `subnetworks[].name`). It translates IPv4 only.
 */
import { displayName, propsOf, type ResourceGraph } from "../graph";
import type { NetResource, RuleRef } from "../model";
import { list, plain, str, UNKNOWN, type Tri } from "../values";
import { refsTo } from "./refs";

export const GCP_NAT = {
  router: "gcp:compute/router:Router",
  nat: "gcp:compute/routerNat:RouterNat",
} as const;

const SUBNET = "gcp:compute/subnetwork:Subnetwork";

export interface GcpNat {
  readonly ref: RuleRef;
  /** The router's network, when it can be told. */
  readonly network?: string;
  readonly region?: string;
  /** Serves every subnetwork of its network and region. */
  readonly all: Tri;
  /** The subnetworks it lists; `listUnknown` when some cannot be told. */
  readonly subnets: ReadonlySet<string>;
  readonly listUnknown: boolean;
}

/** `networkOf`: a router's network (URN, or the literal when no network of the stack matches). */
export function readNats(g: ResourceGraph, notes: Set<string>, networkOf: (router: NetResource) => string | undefined): GcpNat[] {
  return g.ofType(GCP_NAT.nat).map((r) => {
    const p = propsOf(r);
    const routers = refsTo(g, r, "router", [p.router], [GCP_NAT.router]).urns;
    const network = routers.length === 1 ? networkOf(g.byUrn.get(routers[0])!) : undefined;
    const mode = str(p.sourceSubnetworkIpRangesToNat);
    const all: Tri = mode === UNKNOWN ? "maybe" : typeof mode === "string" && mode.startsWith("ALL_SUBNETWORKS") ? "yes" : "no";
    const names = str(p.subnetworks) === UNKNOWN ? [UNKNOWN] : list(p.subnetworks).map((s) => (str(s) === UNKNOWN ? UNKNOWN : plain(s)?.name));
    const refs = mode === "LIST_OF_SUBNETWORKS" || mode === UNKNOWN ? refsTo(g, r, "subnetworks", names, [SUBNET]) : { urns: [], unresolved: [] };
    if (refs.unresolved.length && mode === "LIST_OF_SUBNETWORKS") notes.add(`${r.urn}: subnetworks ${refs.unresolved.join(", ")} names no subnetwork of this stack; the instances there may or may not use this NAT`);
    const region = str(p.region);
    return {
      ref: { urn: r.urn, resource: displayName(r), rule: `Cloud NAT (${mode === UNKNOWN ? "unknown" : String(mode ?? "no")} source ranges)` },
      ...(network ? { network } : {}),
      ...(typeof region === "string" ? { region } : {}),
      all,
      subnets: new Set(refs.urns),
      listUnknown: refs.unresolved.length > 0,
    };
  });
}

/** Whether some NAT serves a workload in `subnets` (URNs) of `networks`; `regionOf` reads a subnetwork's region. */
export function natServes(nats: readonly GcpNat[], subnets: ReadonlySet<string>, networks: ReadonlySet<string>, regionOf: (subnet: string) => string | undefined): { tri: Tri; ref?: RuleRef } {
  let best: { tri: Tri; ref?: RuleRef } = { tri: "no" };
  for (const n of nats) {
    if (n.network && networks.size && !networks.has(n.network)) continue;
    const sameRegion = [...subnets].some((s) => !n.region || !regionOf(s) || regionOf(s) === n.region);
    if (subnets.size && !sameRegion) continue;
    let t: Tri = "no";
    if (n.all === "yes") t = n.network && networks.size && subnets.size ? "yes" : "maybe";
    else if ([...subnets].some((s) => n.subnets.has(s))) t = "yes";
    else if (n.all === "maybe" || n.listUnknown || !subnets.size) t = "maybe";
    if (t === "yes") return { tri: "yes", ref: n.ref };
    if (t === "maybe" && best.tri === "no") best = { tri: "maybe", ref: n.ref };
  }
  return best;
}
