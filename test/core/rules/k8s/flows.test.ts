/**
 * The Kubernetes plan allows exactly the intent's flows, for any intent (property), and the
 * same tuples as the GCP plan of the shared shop intent, so the platforms cannot drift apart.
 */
import assert from "node:assert/strict";
import path from "node:path";
import fc from "fast-check";
import { loadIntentFile, parseIntent } from "../../../../core/intent";
import { intentFlowTuples, planGcpNetwork } from "../../../../core/rules";
import { k8sFlowTuples, planK8s } from "../../../../core/rules/k8s";
import { k8sIntents } from "./random-intents";

/** Random intents: 2-4 zones (some unmanaged, some inbound or nat), 0-3 workloads each, random flows between them. */
const intents = k8sIntents({ maxZones: 4, maxWorkloads: 3, maxFlows: 8 });

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
