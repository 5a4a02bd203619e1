/**
 * Istio mode and flows without TCP: the sidecars' authorization sees TCP only, so a UDP or SCTP
 * flow must not become an AuthorizationPolicy rule (a rule without ports would admit its caller on
 * every TCP port of the target, where the CNI does not enforce the NetworkPolicy).
 */
import assert from "node:assert/strict";
import { parseIntent } from "../../../../core/intent";
import { planK8s } from "../../../../core/rules/k8s";

const intent = (ports: string[][]) =>
  parseIntent({
    name: "mesh",
    addressSpace: "10.0.0.0/16",
    zones: [
      { name: "ms", workloads: [{ name: "api", serviceAccount: "api" }, { name: "dns", serviceAccount: "dns" }, { name: "db", serviceAccount: "db" }] },
    ],
    flows: ports.map((p, i) => ({ from: i === 0 ? "ms/api" : "ms/db", to: "ms/dns", ports: p })),
  });

const dnsPolicy = (ports: string[][]) => planK8s(intent(ports), { istio: true }).authorizationPolicies.find((p) => p.metadata.name.includes("dns"))!;

describe("k8s plan: Istio AuthorizationPolicies of flows without TCP", () => {
  it("a UDP-only flow admits its caller on no TCP port: the target's ALLOW policy keeps no rule", () => {
    const policy = dnsPolicy([["udp/53"]]);
    assert.equal(policy.spec.action, "ALLOW");
    assert.deepEqual(policy.spec.rules, []);
  });

  it("an SCTP flow beside a TCP flow: only the TCP flow's caller is admitted, on its port", () => {
    const policy = dnsPolicy([["sctp"], ["tcp/53"]]);
    assert.deepEqual(policy.spec.rules, [{ from: [{ source: { principals: ["cluster.local/ns/ms/sa/db"] } }], to: [{ operation: { ports: ["53"] } }] }]);
  });

  it("a flow of UDP and TCP keeps its rule, narrowed to the TCP port", () => {
    const policy = dnsPolicy([["udp/53", "tcp/53"]]);
    assert.deepEqual(policy.spec.rules, [{ from: [{ source: { principals: ["cluster.local/ns/ms/sa/api"] } }], to: [{ operation: { ports: ["53"] } }] }]);
  });
});
