import assert from "node:assert/strict";
import path from "node:path";
import { runProgram } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import { loadIntentFile } from "../../../core/intent";
import { intentFlowTuples } from "../../../core/rules/neutral";
import { planGcpNetwork } from "../../../core/rules/gcp";
import type { RecordedResource } from "../../../cli/preview/types";

const EXAMPLE = path.resolve(__dirname, "../../../examples/gcp-three-tier");

describe("examples/gcp-three-tier (run as a Pulumi program under the preview mocks)", () => {
  let resources: RecordedResource[];
  before(async () => {
    ({ resources } = await runProgram(loadProject(EXAMPLE, "dev")));
  });
  const ofType = (t: string) => resources.filter((r) => r.type === `gcp:${t}`);

  it("builds the shared shop intent in the stack's two regions", () => {
    const counts = Object.fromEntries(["compute/network:Network", "compute/subnetwork:Subnetwork", "serviceaccount/account:Account", "compute/firewall:Firewall", "compute/route:Route", "compute/router:Router", "compute/routerNat:RouterNat"].map((t) => [t.split(":")[1], ofType(t).length]));
    assert.deepEqual(counts, { Network: 1, Subnetwork: 6, Account: 3, Firewall: 9, Route: 1, Router: 2, RouterNat: 2 });
    assert.deepEqual(ofType("compute/route:Route")[0].inputs.tags, ["shop-edge"]);
  });

  it("registers exactly the firewall rules of the plan, whose flows are the intent's", () => {
    const intent = loadIntentFile(path.resolve(__dirname, "../../../examples/intents/shop.yaml"));
    const plan = planGcpNetwork(intent, { regions: ["europe-west1", "us-central1"] });
    assert.deepEqual(plan.flowTuples(), intentFlowTuples(intent));
    const fws = ofType("compute/firewall:Firewall");
    const seen = fws.map((f) => {
      const i = f.inputs as Record<string, any>;
      return { name: i.name, direction: i.direction, priority: i.priority, blocks: i.allows ?? i.denies, sourceRanges: i.sourceRanges ?? [], destinationRanges: i.destinationRanges ?? [] };
    });
    const planned = plan.firewallRules.map((r) => ({ name: r.name, direction: r.direction, priority: r.priority, blocks: r.protocols, sourceRanges: r.sourceRanges, destinationRanges: r.destinationRanges }));
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    assert.deepEqual(seen.sort(byName), planned.sort(byName));
  });
});
