/**
 * Engine disagreements with GCP's documented behaviour found while building the soundness test
 * (./stack-soundness-gcp.test.ts) in cases its reference does not model (peer networks), each a
 * minimal stack worked out by hand, kept as a regression once fixed (each failed on the engine
 * before its fix).
 */
import assert from "node:assert/strict";
import { analyseReachability } from "../../../core/reachability";
import { res } from "./build";

describe("reachability / GCP engine disagreements found beside the soundness test (fixed, kept as regressions)", () => {
  // Was wrong "allowed" (fixed: a declared peer is reached only along a route): a VPC network sends a packet only where one of its routes leads. Here
  // the network's default routes are deleted and it has no route at all (no Cloud VPN tunnel, no
  // Interconnect attachment, no route to the default internet gateway), so nothing leaves it and
  // no reply returns: neither the private network corp (172.16.8.0/22, reachable only over a VPN
  // or Interconnect) nor the public network office is reached, and vm has no external IP besides.
  // The engine checks routes and external addresses for the internet only (internet <-> web and
  // vm: nothing) and judges a declared peer network by the firewall alone. Engine: gcp:web <->
  // corp and gcp:web/vm:vm <-> office "all"; correct: nothing certain (a "maybe" for corp would be
  // fair, as the AWS side answers: dynamic routes from a Cloud Router outside the stack may exist).
  it("a network without routes reaches no peer network", () => {
    const m = analyseReachability(
      [
        res("gcp:compute/network:Network", "net0", { name: "net0", autoCreateSubnetworks: false, deleteDefaultRoutesOnCreate: true }),
        res("gcp:compute/subnetwork:Subnetwork", "sub-web", { network: "net0-id", ipCidrRange: "10.8.0.0/28", description: "netseg-zone=web" }),
        res("gcp:compute/instance:Instance", "vm", { machineType: "e2-small", zone: "europe-west1-b", networkInterfaces: [{ subnetwork: "sub-web-id", networkIp: "10.8.0.5" }] }),
        res("gcp:compute/firewall:Firewall", "in", { network: "net0-id", direction: "INGRESS", priority: 1000, allows: [{ protocol: "all" }], sourceRanges: ["0.0.0.0/0"] }),
      ],
      { peers: [{ name: "corp", cidrs: ["172.16.8.0/22"] }, { name: "office", cidrs: ["198.51.100.0/24"] }] },
    );
    const pairs = [["gcp:web", "corp"], ["corp", "gcp:web"], ["gcp:web/vm:vm", "office"], ["office", "gcp:web/vm:vm"]];
    assert.deepEqual(pairs.map(([a, b]) => `${a} -> ${b}: ${m.pair(a, b)?.allowed}`), pairs.map(([a, b]) => `${a} -> ${b}: nothing`));
  });
});
