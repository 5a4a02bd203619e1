/**
 * CiliumNetworkPolicy reading against a brute-force reference, on random policies: the rules of
 * Cilium's documentation evaluated directly, packet by packet (a source, a destination, a
 * protocol and port), with no selector indexing, no address classes and no NetworkPolicy shape
 * in between. Pods: shop/web, shop/api, shop/db, other/web (app labels), plus the internet.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { TrafficSet, type Protocol } from "../../../core/net";
import { analyseReachability, k8sObjectsToResources } from "../../../core/reachability";

interface Pod {
  readonly ns: string;
  readonly app: string;
}
type End = Pod | "internet";
interface Sel {
  ns?: string;
  app?: string;
}
interface PortRule {
  port: number;
  protocol: "TCP" | "UDP" | "ANY";
}
interface Rule {
  endpoints?: Sel[];
  entities?: ("world" | "cluster" | "all")[];
  ports?: PortRule[];
}
interface Cnp {
  ns: string;
  app?: string;
  ingress?: Rule[];
  egress?: Rule[];
  ingressDeny?: Rule[];
  egressDeny?: Rule[];
}

const PODS: Pod[] = [
  { ns: "shop", app: "web" },
  { ns: "shop", app: "api" },
  { ns: "shop", app: "db" },
  { ns: "other", app: "web" },
];
const PROBES: [Protocol, number][] = [
  ["tcp", 80],
  ["tcp", 443],
  ["udp", 443],
  ["tcp", 5432],
  ["udp", 53],
];
const key = (e: End) => (e === "internet" ? "internet" : `${e.ns}/${e.app}`);

/** Does rule `r` of a policy in namespace `ns` admit `peer` for the probe? (Cilium's rule, read directly.) */
function ruleAdmits(r: Rule, ns: string, peer: End, [proto, port]: [Protocol, number]): boolean {
  const hasL3 = (r.endpoints?.length ?? 0) > 0 || (r.entities?.length ?? 0) > 0;
  if (!hasL3 && r.ports === undefined) return false;
  const l3 =
    !hasL3 ||
    (r.endpoints ?? []).some((s) => peer !== "internet" && peer.ns === (s.ns ?? ns) && (s.app === undefined || peer.app === s.app)) ||
    (r.entities ?? []).some((e) => e === "all" || (e === "world" ? peer === "internet" : peer !== "internet"));
  const l4 = r.ports === undefined || r.ports.some((p) => p.port === port && (p.protocol === "ANY" || p.protocol.toLowerCase() === proto));
  return l3 && l4;
}

/** Does `pod`'s side let the probe through, in direction `dir`, with `peer` at the other end? */
function side(cnps: Cnp[], pod: Pod, dir: "ingress" | "egress", peer: End, probe: [Protocol, number]): boolean {
  const selecting = cnps.filter((c) => c.ns === pod.ns && (c.app === undefined || c.app === pod.app));
  const allows = selecting.flatMap((c) => (c[dir] ?? []).map((r) => ({ r, ns: c.ns })));
  const denies = selecting.flatMap((c) => (c[`${dir}Deny`] ?? []).map((r) => ({ r, ns: c.ns })));
  if (denies.some(({ r, ns }) => ruleAdmits(r, ns, peer, probe))) return false;
  const isolated = selecting.some((c) => (c[dir]?.length ?? 0) > 0 || (c[`${dir}Deny`]?.length ?? 0) > 0);
  return !isolated || allows.some(({ r, ns }) => ruleAdmits(r, ns, peer, probe));
}

function manifest(c: Cnp, i: number): unknown {
  const sel = (s: Sel) => ({ matchLabels: { ...(s.ns ? { "k8s:io.kubernetes.pod.namespace": s.ns } : {}), ...(s.app ? { "k8s:app": s.app } : {}) } });
  const rule = (r: Rule, dir: "ingress" | "egress") => ({
    ...(r.endpoints ? { [dir === "ingress" ? "fromEndpoints" : "toEndpoints"]: r.endpoints.map(sel) } : {}),
    ...(r.entities ? { [dir === "ingress" ? "fromEntities" : "toEntities"]: r.entities } : {}),
    ...(r.ports ? { toPorts: [{ ports: r.ports.map((p) => ({ port: String(p.port), protocol: p.protocol })) }] } : {}),
  });
  const spec: Record<string, unknown> = { endpointSelector: c.app ? { matchLabels: { app: c.app } } : {} };
  for (const k of ["ingress", "egress", "ingressDeny", "egressDeny"] as const) {
    if (c[k]) spec[k] = c[k]!.map((r) => rule(r, k.startsWith("ingress") ? "ingress" : "egress"));
  }
  return { apiVersion: "cilium.io/v2", kind: "CiliumNetworkPolicy", metadata: { name: `p${i}`, namespace: c.ns }, spec };
}

const sel = fc.record({ ns: fc.option(fc.constantFrom("shop", "other"), { nil: undefined }), app: fc.option(fc.constantFrom("web", "api", "db"), { nil: undefined }) }, { requiredKeys: [] });
const portRule = fc.record({ port: fc.constantFrom(80, 443, 5432, 53), protocol: fc.constantFrom("TCP" as const, "UDP" as const, "ANY" as const) });
const rule = fc.record(
  {
    endpoints: fc.array(sel, { maxLength: 2 }),
    entities: fc.subarray(["world", "cluster", "all"] as ("world" | "cluster" | "all")[], { maxLength: 1 }),
    ports: fc.array(portRule, { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const rules = fc.option(fc.array(rule, { maxLength: 2 }), { nil: undefined });
const cnp = fc.record({
  ns: fc.constantFrom("shop", "other"),
  app: fc.option(fc.constantFrom("web", "api", "db"), { nil: undefined }),
  ingress: rules,
  egress: rules,
  ingressDeny: fc.option(fc.array(rule, { maxLength: 1 }), { nil: undefined }),
  egressDeny: fc.option(fc.array(rule, { maxLength: 1 }), { nil: undefined }),
});

describe("reachability / CiliumNetworkPolicy against a brute-force reference (property)", () => {
  it("agrees on every pod and internet pair, for every probe", () => {
    const objects = [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "other" } },
      ...PODS.map((p) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: p.app, namespace: p.ns, labels: { app: p.app } }, spec: { containers: [{ name: "c", image: "x" }] } })),
    ];
    fc.assert(
      fc.property(fc.array(cnp, { minLength: 1, maxLength: 3 }), (cnps) => {
        const m = analyseReachability(k8sObjectsToResources([...objects, ...cnps.map(manifest)]));
        const ends: End[] = [...PODS, "internet"];
        for (const a of ends) {
          for (const b of ends) {
            if (a === b || (a === "internet" && b === "internet")) continue;
            const pair = m.pair(key(a), key(b))!;
            assert.ok(pair.allowed.equals(pair.possible), `${key(a)} -> ${key(b)}: nothing is unknown`);
            for (const probe of PROBES) {
              const want = (a === "internet" || side(cnps, a, "egress", b, probe)) && (b === "internet" || side(cnps, b, "ingress", a, probe));
              const got = !pair.allowed.intersect(TrafficSet.of(probe[0], probe[1])).isEmpty();
              assert.equal(got, want, `${key(a)} -> ${key(b)} on ${probe.join("/")}`);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
