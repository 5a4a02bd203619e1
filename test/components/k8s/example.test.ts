/**
 * examples/k8s-microservices run as a Pulumi program (in a child process, under the preview's
 * mocks): it registers the seed design's objects, generated from its intent file, and its
 * NetworkPolicies allow exactly the intent's flows.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { runProgram } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import type { RecordedResource } from "../../../cli/preview/types";
import { loadIntentFile } from "../../../core/intent";
import { intentFlowTuples } from "../../../core/rules";
import { k8sFlowTuples, planK8s, type K8sPlan } from "../../../core/rules/k8s";

const EXAMPLE = path.resolve(__dirname, "../../../examples/k8s-microservices");

describe("examples/k8s-microservices (run as a Pulumi program under the preview mocks)", () => {
  let resources: RecordedResource[];
  let outputs: Record<string, unknown>;
  before(async () => {
    ({ resources, outputs } = await runProgram(loadProject(EXAMPLE, "dev")));
  });
  const ofType = (t: string) => resources.filter((r) => r.type === t);

  it("registers the namespace, six NetworkPolicies, STRICT mTLS, allow-nothing and four per-workload AuthorizationPolicies", () => {
    const kinds = resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.type.split(":")[2]);
    const counts = Object.fromEntries([...new Set(kinds)].sort().map((k) => [k, kinds.filter((x) => x === k).length]));
    assert.deepEqual(counts, { AuthorizationPolicy: 5, Namespace: 1, NetworkPolicy: 6, PeerAuthentication: 1 });
    assert.deepEqual(outputs.namespaces, { microservices: "microservices" });
  });

  it("its registered NetworkPolicies, read back, allow exactly the intent's flows", () => {
    const intent = loadIntentFile(path.join(EXAMPLE, "intent.yaml"));
    const fromStack: K8sPlan = {
      ...planK8s(intent),
      networkPolicies: ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: r.inputs.metadata as any, spec: r.inputs.spec as any })),
    };
    assert.deepEqual(k8sFlowTuples(fromStack, intent), intentFlowTuples(intent));
    assert.equal(fromStack.networkPolicies.length, 6);
  });

  it("enforces Pod Security restricted on the namespace", () => {
    const [ns] = ofType("kubernetes:core/v1:Namespace");
    assert.equal((ns.inputs.metadata as any).labels["pod-security.kubernetes.io/enforce"], "restricted");
  });
});
