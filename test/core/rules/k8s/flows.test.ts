/**
 * The Kubernetes plan allows exactly the intent's flows, for any intent (property), and the
 * same tuples as the GCP plan of the shared shop intent, so the platforms cannot drift apart.
 */
import assert from "node:assert/strict";
import path from "node:path";
import fc from "fast-check";
import { loadIntentFile, parseIntent, type IntentInput } from "../../../../core/intent";
import { intentFlowTuples, planGcpNetwork } from "../../../../core/rules";
import { k8sFlowTuples, planK8s } from "../../../../core/rules/k8s";

const portSpec = fc.oneof(
  fc.integer({ min: 1, max: 65535 }).map((p) => `tcp/${p}`),
  fc.integer({ min: 1, max: 65535 }).map((p) => `udp/${p}`),
  fc.tuple(fc.integer({ min: 1, max: 60000 }), fc.integer({ min: 0, max: 5000 })).map(([a, n]) => `tcp/${a}-${a + n}`),
  fc.constantFrom("tcp", "udp", "all"),
);

/** Random intents: 2-4 zones (some unmanaged, some inbound or nat), 0-3 workloads each, random flows between them. */
const intents = fc
  .record({
    zones: fc.array(fc.record({ managed: fc.boolean(), internet: fc.boolean(), nat: fc.boolean(), workloads: fc.integer({ min: 0, max: 3 }) }), { minLength: 2, maxLength: 4 }),
    flows: fc.array(fc.record({ from: fc.nat(), to: fc.nat(), ports: fc.array(portSpec, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 8 }),
  })
  .map(({ zones, flows }): IntentInput => {
    const zs = zones.map((z, i) => ({
      name: `z${i}`,
      managed: z.managed || i === 0,
      internet: z.internet ? ("inbound" as const) : ("none" as const),
      egress: z.nat ? ("nat" as const) : ("none" as const),
      workloads: Array.from({ length: z.workloads }, (_, j) => ({ name: `w${j}`, ...(j === 1 ? { labels: { tier: `t${i}`, role: "r" } } : {}) })),
    }));
    const endpoints = ["internet", ...zs.flatMap((z) => [z.name, ...z.workloads.map((w) => `${z.name}/${w.name}`)])];
    const seen = new Set<string>();
    const fs = flows.flatMap((f) => {
      const from = endpoints[f.from % endpoints.length];
      const to = endpoints[f.to % endpoints.length];
      const zoneOf = (e: string) => zs.find((z) => z.name === e.split("/")[0]);
      if (from === "internet" && (to === "internet" || zoneOf(to)!.internet !== "inbound")) return [];
      if (to === "internet" && zoneOf(from)!.egress !== "nat") return [];
      if (seen.has(`${from}->${to}`)) return [];
      seen.add(`${from}->${to}`);
      return [{ from, to, ports: f.ports }];
    });
    return { name: "prop", addressSpace: "10.0.0.0/16", zones: zs, flows: fs };
  });

describe("k8s plan flows", () => {
  it("allow exactly the intent's flow tuples, for any intent (property)", () => {
    fc.assert(
      fc.property(intents, (input) => {
        const intent = parseIntent(input);
        // A flow with no side in a managed zone gets no policy: Kubernetes leaves such pods unfiltered, outside the plan.
        const managed = (e: string) => intent.zones.some((z) => z.managed && z.name === e.split("/")[0]);
        const enforced = intentFlowTuples(intent).filter((t) => managed(t.from) || managed(t.to));
        assert.deepEqual(k8sFlowTuples(planK8s(intent), intent), enforced);
      }),
      { numRuns: 150 },
    );
  });

  it("are the GCP plan's flows for the shared shop intent", () => {
    const intent = loadIntentFile(path.resolve(__dirname, "../../../../examples/intents/shop.yaml"));
    const k8s = k8sFlowTuples(planK8s(intent), intent);
    assert.deepEqual(k8s, intentFlowTuples(intent));
    assert.deepEqual(k8s, planGcpNetwork(intent, { regions: ["europe-west1"] }).flowTuples());
    assert.ok(k8s.length >= 5);
  });
});
