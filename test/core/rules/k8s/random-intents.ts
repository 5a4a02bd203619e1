/**
 * Random Kubernetes-shaped intents for property tests: 2 to `maxZones` zones (some unmanaged,
 * some internet-facing or with NAT), 0 to `maxWorkloads` workloads each (the second one with labels
 * of its own), an optional peer `corp`, and random flows between the endpoints that the intent
 * accepts (the internet only into inbound zones and out of nat zones, no flow twice).
 */
import fc from "fast-check";
import type { IntentInput } from "../../../../core/intent";

export const portSpec = fc.oneof(
  fc.integer({ min: 1, max: 65535 }).map((p) => `tcp/${p}`),
  fc.integer({ min: 1, max: 65535 }).map((p) => `udp/${p}`),
  fc.tuple(fc.integer({ min: 1, max: 60000 }), fc.integer({ min: 0, max: 5000 })).map(([a, n]) => `tcp/${a}-${a + n}`),
  fc.constantFrom("tcp", "udp", "all"),
);

export function k8sIntents(o: { maxZones: number; maxWorkloads: number; maxFlows: number; peer?: boolean }): fc.Arbitrary<IntentInput> {
  return fc
    .record({
      zones: fc.array(fc.record({ managed: fc.boolean(), internet: fc.boolean(), nat: fc.boolean(), workloads: fc.integer({ min: 0, max: o.maxWorkloads }) }), { minLength: 2, maxLength: o.maxZones }),
      peer: o.peer ? fc.boolean() : fc.constant(false),
      flows: fc.array(fc.record({ from: fc.nat(), to: fc.nat(), ports: fc.array(portSpec, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: o.maxFlows }),
    })
    .map(({ zones, peer, flows }): IntentInput => {
      const zs = zones.map((z, i) => ({
        name: `z${i}`,
        managed: z.managed || i === 0,
        internet: z.internet ? ("inbound" as const) : ("none" as const),
        egress: z.nat ? ("nat" as const) : ("none" as const),
        workloads: Array.from({ length: z.workloads }, (_, j) => ({ name: `w${j}`, ...(j === 1 ? { labels: { tier: `t${i}`, role: "r" } } : {}) })),
      }));
      const endpoints = ["internet", ...(peer ? ["corp"] : []), ...zs.flatMap((z) => [z.name, ...z.workloads.map((w) => `${z.name}/${w.name}`)])];
      const seen = new Set<string>();
      const fs = flows.flatMap((f) => {
        const from = endpoints[f.from % endpoints.length];
        const to = endpoints[f.to % endpoints.length];
        const zoneOf = (e: string) => zs.find((z) => z.name === e.split("/")[0]);
        const external = (e: string) => e === "internet" || e === "corp";
        if (external(from) && external(to)) return [];
        if (from === "internet" && zoneOf(to)!.internet !== "inbound") return [];
        if (to === "internet" && zoneOf(from)!.egress !== "nat") return [];
        if (seen.has(`${from}->${to}`)) return [];
        seen.add(`${from}->${to}`);
        return [{ from, to, ports: f.ports }];
      });
      return { name: "prop", addressSpace: "10.0.0.0/16", zones: zs, ...(peer ? { peers: [{ name: "corp", cidrs: ["192.168.10.0/24"] }] } : {}), flows: fs };
    });
}
