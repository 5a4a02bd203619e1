/**
 * GCP load balancers as entry points: a forwarding rule (regional or global) and, through its
 * target or backend service, the workloads that serve it. Which source the backends see decides
 * which firewall rules admit the traffic (Google's load-balancing firewall guide):
 * - passthrough (a `backendService` on the rule, a target pool, a target instance): packets keep
 *   the client's address and ports, so the backends' firewall judges the client itself;
 * - global proxies (`GlobalForwardingRule` to a target HTTP(S)/TCP/SSL proxy, schemes EXTERNAL and
 *   EXTERNAL_MANAGED): connections come from Google Front Ends, 35.191.0.0/16 and 130.211.0.0/22
 *   (IPv6 2600:2d00:1:b029::/64, 2600:2d00:1:1::/64), to the backend service's named port;
 * - regional and internal proxies (Envoy): connections come from the network's proxy-only
 *   subnetwork (`purpose` REGIONAL_MANAGED_PROXY or GLOBAL_MANAGED_PROXY), unknown when the stack has none.
 * A reference that resolves to nothing of the stack (a NEG, a group of another stack) is a note
 * naming the URN: that part of the load balancer is not followed.
 */
import { CidrSet } from "../../net/cidr";
import { TrafficSet } from "../../net/ports";
import { displayName, propsOf, type ResourceGraph } from "../graph";
import type { NetResource, RuleRef } from "../model";
import { gcpTraffic } from "../protocols";
import { bool, cidrSet, labels, list, plain, str, strings, UNKNOWN, type Tri, type Unknown } from "../values";
import { TAG } from "../../tags";
import { refsTo } from "./refs";
import { GCP_WORKLOAD } from "./workloads";

export const GCP_LB = {
  forwardingRule: "gcp:compute/forwardingRule:ForwardingRule",
  globalForwardingRule: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
  backendService: "gcp:compute/backendService:BackendService",
  regionBackendService: "gcp:compute/regionBackendService:RegionBackendService",
  targetPool: "gcp:compute/targetPool:TargetPool",
  targetInstance: "gcp:compute/targetInstance:TargetInstance",
  targetHttpProxy: "gcp:compute/targetHttpProxy:TargetHttpProxy",
  targetHttpsProxy: "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
  targetTcpProxy: "gcp:compute/targetTCPProxy:TargetTCPProxy",
  targetSslProxy: "gcp:compute/targetSSLProxy:TargetSSLProxy",
  regionTargetHttpProxy: "gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy",
  regionTargetHttpsProxy: "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy",
  regionTargetTcpProxy: "gcp:compute/regionTargetTcpProxy:RegionTargetTcpProxy",
  urlMap: "gcp:compute/uRLMap:URLMap",
  regionUrlMap: "gcp:compute/regionUrlMap:RegionUrlMap",
  instanceGroup: "gcp:compute/instanceGroup:InstanceGroup",
} as const;

/** Google Front End source ranges (health checks and global proxies). */
export const GFE_RANGES = CidrSet.fromCidrs(["35.191.0.0/16", "130.211.0.0/22", "2600:2d00:1:b029::/64", "2600:2d00:1:1::/64"]);

const BACKEND_SERVICES = [GCP_LB.backendService, GCP_LB.regionBackendService];
const URL_PROXIES = [GCP_LB.targetHttpProxy, GCP_LB.targetHttpsProxy, GCP_LB.regionTargetHttpProxy, GCP_LB.regionTargetHttpsProxy];
const SERVICE_PROXIES = [GCP_LB.targetTcpProxy, GCP_LB.targetSslProxy, GCP_LB.regionTargetTcpProxy];
const GROUPS = [GCP_WORKLOAD.group, GCP_WORKLOAD.regionGroup, GCP_LB.instanceGroup];
const INSTANCE = GCP_WORKLOAD.instance;
const SUBNET = "gcp:compute/subnetwork:Subnetwork";

export interface GcpBackend {
  /** The workload's URN: an instance or a managed group. */
  readonly urn: string;
  /** For a proxy: the port the backend service sends to (its `portName` in the group's named ports); undefined for passthrough. */
  readonly port?: number | Unknown;
  /** Why the port is unknown, for the explanation. */
  readonly portName?: string;
}

export interface GcpLoadBalancer {
  readonly name: string;
  readonly urn: string;
  readonly ref: RuleRef;
  /** Reachable from the internet (EXTERNAL, EXTERNAL_MANAGED; the providers' default is EXTERNAL). */
  readonly external: Tri;
  /** How backends see the traffic: the client's own address, or a proxy's. */
  readonly mode: "passthrough" | "proxy";
  /** For a proxy: the addresses connections come from; undefined when unknown (no proxy-only subnetwork in the stack). */
  readonly proxyRanges?: CidrSet;
  /** What the rule accepts: protocol and ports. */
  readonly front: TrafficSet;
  readonly frontCertain: boolean;
  readonly backends: readonly GcpBackend[];
  /** Some reference on the way to the backends named nothing of the stack: there may be more backends. */
  readonly partial: boolean;
  /** Subnetwork URN of an internal rule. */
  readonly subnetwork?: string;
  /** An internal rule's own address when known. */
  readonly address?: CidrSet;
}

function valuesOf(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return str(v) === UNKNOWN ? [UNKNOWN] : Array.isArray(v) ? [...v] : [v];
}

class Follower {
  /** References that named nothing so far (a load balancer with one is followed only in part). */
  unresolved = 0;

  constructor(
    private readonly g: ResourceGraph,
    private readonly notes: Set<string>,
  ) {}

  /** Resources of `types` that `r.prop` (or the given values under it) names; what names nothing becomes a note. */
  follow(r: NetResource, prop: string, types: readonly string[], values: unknown[] = valuesOf(propsOf(r)[prop]), what = "resource"): NetResource[] {
    const refs = refsTo(this.g, r, prop, values, types);
    if (refs.unresolved.length) this.unresolved++;
    if (refs.unresolved.length) this.notes.add(`${r.urn}: not analysed: ${prop} ${refs.unresolved.join(", ")} names no ${what} of this stack; traffic through it is not followed`);
    return refs.urns.map((u) => this.g.byUrn.get(u)!);
  }

  /** The workloads behind a backend service, with the port it sends to when it is a proxy's. */
  service(bs: NetResource, proxy: boolean): GcpBackend[] {
    const p = propsOf(bs);
    const raw = p.backends;
    const groups = str(raw) === UNKNOWN ? [UNKNOWN] : list(raw).map((b) => (str(b) === UNKNOWN ? UNKNOWN : plain(b)?.group));
    const portName = str(p.portName) ?? "http";
    const out: GcpBackend[] = [];
    for (const grp of this.follow(bs, "backends", GROUPS, groups, "instance group")) {
      const port = (named: ReadonlyMap<string, number | Unknown>) => (!proxy ? undefined : portName === UNKNOWN ? UNKNOWN : named.get(portName) ?? UNKNOWN);
      if (grp.type === GCP_LB.instanceGroup) {
        const named = namedPorts(grp);
        for (const i of this.follow(grp, "instances", [INSTANCE], undefined, "instance")) out.push({ urn: i.urn, ...(proxy ? { port: port(named), portName: String(portName === UNKNOWN ? "(unknown)" : portName) } : {}) });
      } else {
        out.push({ urn: grp.urn, ...(proxy ? { port: port(namedPorts(grp)), portName: String(portName === UNKNOWN ? "(unknown)" : portName) } : {}) });
      }
    }
    return out;
  }
}

function namedPorts(r: NetResource): Map<string, number | Unknown> {
  const out = new Map<string, number | Unknown>();
  for (const x of list(propsOf(r).namedPorts)) {
    const n = str(plain(x)?.name);
    const port = plain(x)?.port;
    if (typeof n === "string") out.set(n, typeof port === "number" ? port : str(port) === UNKNOWN ? UNKNOWN : Number(port));
  }
  return out;
}

/** What a forwarding rule accepts: `ipProtocol` (default TCP) on `ports`, `portRange` or every port. */
function frontOf(p: Record<string, unknown>): { traffic: TrafficSet; certain: boolean; problem?: string } {
  const proto = str(p.ipProtocol);
  if (proto === UNKNOWN) return { traffic: TrafficSet.ALL, certain: false };
  const name = (proto ?? "TCP").toLowerCase();
  if (name === "l3_default") return { traffic: TrafficSet.ALL, certain: true };
  if (name !== "tcp" && name !== "udp" && name !== "sctp" && name !== "icmp") return { traffic: TrafficSet.EMPTY, certain: true };
  if (bool(p.allPorts) === true) return { traffic: TrafficSet.of(name), certain: true };
  const ports = strings(p.ports);
  const range = str(p.portRange);
  if (ports.unknown || range === UNKNOWN || bool(p.allPorts) === UNKNOWN) return { traffic: TrafficSet.of(name), certain: false };
  const given = [...ports.values, ...(typeof range === "string" && range !== "" ? [range] : [])];
  return gcpTraffic(name, given.length ? given : undefined);
}

export function readLoadBalancers(g: ResourceGraph, notes: Set<string>): GcpLoadBalancer[] {
  const f = new Follower(g, notes);
  const out: GcpLoadBalancer[] = [];
  // Pools a managed group adds its instances to (`targetPools` on the group).
  const poolMembers = new Map<string, string[]>();
  for (const grp of g.ofType(GCP_WORKLOAD.group, GCP_WORKLOAD.regionGroup)) {
    if (propsOf(grp).targetPools === undefined) continue;
    for (const pool of f.follow(grp, "targetPools", [GCP_LB.targetPool], undefined, "target pool")) poolMembers.set(pool.urn, [...(poolMembers.get(pool.urn) ?? []), grp.urn]);
  }
  const proxySubnets = g.ofType(SUBNET).filter((s) => /^(REGIONAL_MANAGED_PROXY|GLOBAL_MANAGED_PROXY|INTERNAL_HTTPS_LOAD_BALANCER)$/.test(String(str(propsOf(s).purpose) ?? "")));
  for (const r of g.ofType(GCP_LB.forwardingRule, GCP_LB.globalForwardingRule)) {
    const p = propsOf(r);
    if (labels(p.labels)[TAG.gcp.role] !== undefined) continue;
    const global = r.type === GCP_LB.globalForwardingRule;
    const before = f.unresolved;
    const scheme = str(p.loadBalancingScheme);
    const external: Tri = scheme === UNKNOWN ? "maybe" : scheme === undefined || scheme === "" || scheme === "EXTERNAL" || scheme === "EXTERNAL_MANAGED" ? "yes" : "no";
    const front = frontOf(p);
    if (front.problem) notes.add(`${r.urn}: ports: ${front.problem}; GCP would reject it, so the rule is read at its widest, as a "maybe"`);
    let mode: "passthrough" | "proxy" = "passthrough";
    const backends: GcpBackend[] = [];
    if (p.backendService !== undefined && p.backendService !== null) {
      for (const bs of f.follow(r, "backendService", BACKEND_SERVICES, undefined, "backend service")) backends.push(...f.service(bs, false));
    } else if (p.target !== undefined && p.target !== null) {
      const targets = f.follow(r, "target", [GCP_LB.targetPool, GCP_LB.targetInstance, ...URL_PROXIES, ...SERVICE_PROXIES], undefined, "target pool, target instance or target proxy");
      for (const t of targets) {
        if (t.type === GCP_LB.targetPool) {
          const listed = propsOf(t).instances === undefined ? [] : f.follow(t, "instances", [INSTANCE], undefined, "instance");
          backends.push(...listed.map((i) => ({ urn: i.urn })), ...(poolMembers.get(t.urn) ?? []).map((urn) => ({ urn })));
        } else if (t.type === GCP_LB.targetInstance) {
          backends.push(...f.follow(t, "instance", [INSTANCE], undefined, "instance").map((i) => ({ urn: i.urn })));
        } else if (SERVICE_PROXIES.includes(t.type as never)) {
          mode = "proxy";
          for (const bs of f.follow(t, "backendService", BACKEND_SERVICES, undefined, "backend service")) backends.push(...f.service(bs, true));
        } else {
          mode = "proxy";
          for (const um of f.follow(t, "urlMap", [GCP_LB.urlMap, GCP_LB.regionUrlMap], undefined, "URL map")) {
            // A URL map routes to the backend services it depends on (buckets hold no workload).
            const all: unknown[] = [...(Array.isArray(um.dependencies) ? um.dependencies : []), ...Object.values(um.propertyDependencies ?? {}).flatMap((v) => (Array.isArray(v) ? v : []))];
            const deps = [...new Set(all)].filter((u): u is string => typeof u === "string" && BACKEND_SERVICES.includes(g.byUrn.get(u)?.type as never));
            const known = f.follow(um, "defaultService", [...BACKEND_SERVICES, "gcp:compute/backendBucket:BackendBucket"], undefined, "backend service or bucket").map((x) => x.urn);
            for (const u of [...new Set([...deps, ...known])].sort()) {
              const bs = g.byUrn.get(u)!;
              if (BACKEND_SERVICES.includes(bs.type as never)) backends.push(...f.service(bs, true));
            }
          }
        }
      }
    } else {
      notes.add(`${r.urn}: not analysed: forwarding rule ${displayName(r)} has neither a backendService nor a target; nothing it serves is followed`);
    }
    let proxyRanges: CidrSet | undefined;
    if (mode === "proxy") {
      if (global && external !== "no") proxyRanges = GFE_RANGES;
      else {
        // A cross-region internal proxy (global rule) uses GLOBAL_MANAGED_PROXY subnetworks, a regional one its region's.
        const net = str(p.network);
        const region = str(p.region);
        const purposes = global ? ["GLOBAL_MANAGED_PROXY"] : ["REGIONAL_MANAGED_PROXY", "INTERNAL_HTTPS_LOAD_BALANCER"];
        const mine = proxySubnets
          .filter((s) => purposes.includes(String(str(propsOf(s).purpose))))
          .filter((s) => global || typeof region !== "string" || typeof str(propsOf(s).region) !== "string" || str(propsOf(s).region) === region)
          .filter((s) => net === undefined || net === UNKNOWN || str(propsOf(s).network) === net || (r.propertyDependencies?.network ?? []).some((u) => (s.propertyDependencies?.network ?? []).includes(u)));
        const c = cidrSet(mine.map((s) => propsOf(s).ipCidrRange));
        proxyRanges = mine.length && !c.unknown && !c.bad.length ? c.set : undefined;
      }
    }
    const subnetwork = p.subnetwork === undefined || p.subnetwork === null ? undefined : refsTo(g, r, "subnetwork", [p.subnetwork], [SUBNET]).urns;
    const ip = str(p.ipAddress);
    const address = typeof ip === "string" && /^[0-9a-f:.]+$/i.test(ip) ? cidrSet([ip.includes(":") ? `${ip}/128` : `${ip}/32`]).set : undefined;
    const seen = new Set<string>();
    out.push({
      name: r.name || displayName(r),
      urn: r.urn,
      ref: { urn: r.urn, resource: displayName(r), rule: `forwarding rule ${front.traffic}${external === "no" ? " (internal)" : ""}` },
      external,
      mode,
      ...(proxyRanges ? { proxyRanges } : {}),
      front: front.traffic,
      frontCertain: front.certain,
      backends: backends.filter((b) => (seen.has(b.urn) ? false : (seen.add(b.urn), true))),
      partial: f.unresolved > before || (!backends.length && !(p.backendService ?? p.target)),
      ...(subnetwork?.length === 1 ? { subnetwork: subnetwork[0] } : {}),
      ...(address && !address.isEmpty() ? { address } : {}),
    });
  }
  return out;
}
