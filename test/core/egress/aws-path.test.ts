import assert from "node:assert/strict";
import { planAddresses } from "../../../core/addressing";
import { firewallEndpointFor, planAwsEgressPath } from "../../../core/egress";
import { shop } from "./fixtures";

describe("core/egress AWS path", () => {
  const intent = shop();
  const addresses = planAddresses(intent);

  it("network-firewall: zone -> endpoint of its AZ; firewall subnet -> NAT of its AZ; NAT subnet -> IGW and back through the endpoint", () => {
    const p = planAwsEgressPath(intent, addresses, "network-firewall");
    assert.deepEqual(p.zones.map((z) => [z.subnetKey, z.routes]), [
      ["app-az1", [{ key: "internet", destination: "0.0.0.0/0", target: { kind: "firewall-endpoint", azIndex: 0 } }]],
      ["app-az2", [{ key: "internet", destination: "0.0.0.0/0", target: { kind: "firewall-endpoint", azIndex: 1 } }]],
      ["build-az1", [{ key: "internet", destination: "0.0.0.0/0", target: { kind: "firewall-endpoint", azIndex: 0 } }]],
      ["build-az2", [{ key: "internet", destination: "0.0.0.0/0", target: { kind: "firewall-endpoint", azIndex: 1 } }]],
    ]);
    assert.deepEqual(p.inner.map((s) => [s.key, s.cidr]), addresses.infrastructure.filter((i) => i.purpose === "firewall").map((i) => [i.key, i.cidr]));
    assert.deepEqual(p.inner[1].routes, [{ key: "internet", destination: "0.0.0.0/0", target: { kind: "nat", azIndex: 1 } }]);
    const back = addresses.subnets.filter((s) => (s.zone === "app" || s.zone === "build") && s.azIndex === 0);
    assert.deepEqual(p.outer[0].routes, [{ key: "internet", destination: "0.0.0.0/0", target: { kind: "internet-gateway" } }, ...back.map((b) => ({ key: b.key, destination: b.cidr, target: { kind: "firewall-endpoint", azIndex: 0 } }))]);
  });

  it("proxy-fleet: proxied zones get no route at all; proxy subnets -> NAT -> IGW", () => {
    const p = planAwsEgressPath(intent, addresses, "proxy-fleet");
    assert.ok(p.zones.every((z) => z.routes.length === 0));
    assert.deepEqual(p.inner.map((s) => s.key), ["proxy-az1", "proxy-az2"]);
    assert.deepEqual(p.outer.map((s) => s.routes), [[{ key: "internet", destination: "0.0.0.0/0", target: { kind: "internet-gateway" } }], [{ key: "internet", destination: "0.0.0.0/0", target: { kind: "internet-gateway" } }]]);
    const infra = new Set(addresses.infrastructure.map((i) => i.cidr));
    assert.ok([...p.inner, ...p.outer].every((s) => infra.has(s.cidr)));
    assert.equal(new Set([...p.inner, ...p.outer].map((s) => s.cidr)).size, 4);
  });

  it("picks the firewall endpoint by subnet, waits while the status is unknown, and refuses a status without the subnet", () => {
    const statuses = [{ syncStates: [
      { availabilityZone: "us-east-1b", attachments: [{ endpointId: "vpce-b", subnetId: "subnet-b" }] },
      { availabilityZone: "us-east-1a", attachments: [{ endpointId: "vpce-a", subnetId: "subnet-a" }] },
    ] }];
    assert.equal(firewallEndpointFor(statuses, "subnet-a", "us-east-1a"), "vpce-a");
    assert.equal(firewallEndpointFor(statuses, "subnet-b", "us-east-1b"), "vpce-b");
    assert.equal(firewallEndpointFor(undefined, "subnet-a", "us-east-1a"), undefined);
    assert.throws(() => firewallEndpointFor(statuses, "subnet-c", "us-east-1c"), /no endpoint for subnet subnet-c/);
  });
});
