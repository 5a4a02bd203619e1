/**
 * Hostile values around GCP workloads: network interfaces, tags, accounts, groups and load
 * balancers of odd shapes, malformed addresses and ports, repeated logical names, unknowns at
 * preview. None may crash the engine, give a certain answer out of a value it could not read,
 * merge two endpoints, or drop a resource without a note.
 */
import assert from "node:assert/strict";
import { analyseReachability, type NetResource } from "../../core/reachability";
import { res, UNKNOWN_STRING, urnOf } from "../core/reachability/build";

const T = {
  net: "gcp:compute/network:Network",
  sub: "gcp:compute/subnetwork:Subnetwork",
  fw: "gcp:compute/firewall:Firewall",
  vm: "gcp:compute/instance:Instance",
  tpl: "gcp:compute/instanceTemplate:InstanceTemplate",
  mig: "gcp:compute/instanceGroupManager:InstanceGroupManager",
  fr: "gcp:compute/forwardingRule:ForwardingRule",
  rbs: "gcp:compute/regionBackendService:RegionBackendService",
} as const;

const base = (extra: NetResource[]): NetResource[] => [
  res(T.net, "net", { name: "net", autoCreateSubnetworks: false }),
  res(T.sub, "sub-web", { network: "net-id", ipCidrRange: "10.1.0.0/24", description: "netseg-zone=web" }),
  // Open to everything: only the workload's own odd values can hold traffic back.
  res(T.fw, "open", { network: "net-id", direction: "INGRESS", priority: 1000, allows: [{ protocol: "all" }], sourceRanges: ["0.0.0.0/0"] }),
  ...extra,
];

describe("hostile / reachability: GCP workloads", () => {
  it("network interfaces, tags and accounts of odd shapes are read as 'maybe', never a crash or a certainty", () => {
    const odd: [string, Record<string, unknown>][] = [
      ["nics-string", { networkInterfaces: "nic0" }],
      ["nics-number", { networkInterfaces: 5 }],
      ["nics-null-item", { networkInterfaces: [null] }],
      ["nics-number-item", { networkInterfaces: [5] }],
      ["subnet-number", { networkInterfaces: [{ subnetwork: 5, accessConfigs: [{}] }] }],
      ["alias-string", { networkInterfaces: [{ subnetwork: "sub-web-id", aliasIpRanges: "10.9.0.0/24", accessConfigs: [{}] }] }],
      ["alias-garbage", { networkInterfaces: [{ subnetwork: "sub-web-id", aliasIpRanges: [{ ipCidrRange: "garbage" }, 7], accessConfigs: [{}] }] }],
      ["access-string", { networkInterfaces: [{ subnetwork: "sub-web-id", accessConfigs: "yes" }] }],
      ["access-unknown-item", { networkInterfaces: [{ subnetwork: "sub-web-id", accessConfigs: [UNKNOWN_STRING] }] }],
      ["tags-string", { tags: "web", networkInterfaces: [{ subnetwork: "sub-web-id", accessConfigs: [{}] }] }],
      ["account-string", { serviceAccount: "me@p", networkInterfaces: [{ subnetwork: "sub-web-id", accessConfigs: [{}] }] }],
      ["account-number-email", { serviceAccount: { email: 5 }, networkInterfaces: [{ subnetwork: "sub-web-id", accessConfigs: [{}] }] }],
    ];
    const m = analyseReachability(base(odd.map(([name, props]) => res(T.vm, name, props))));
    for (const [name] of odd) {
      const ep = m.endpoints.find((e) => e.resource === urnOf(T.vm, name));
      assert.ok(ep, `${name} is an endpoint`);
      const p = m.pair("internet", ep.id)!;
      assert.ok(p, `${name}: internet -> ${ep.id} judged`);
      assert.ok(p.possible.covers(p.allowed), name);
    }
    assert.ok(m.notes.some((n) => n.startsWith(`${urnOf(T.vm, "tags-string")}: tags: string (not a list)`)), m.notes.join("\n"));
    // What was readable stays certain: an external IP and an open firewall that targets every instance.
    assert.equal(m.pair("internet", "gcp:web/vm:tags-string")!.allowed.toString(), "all");
    // An interface list that is not a list: a note, nothing certain.
    assert.ok(m.notes.includes(`${urnOf(T.vm, "nics-string")}: networkInterfaces: string (not a list); GCP needs a list of at least one interface, so the workload's addresses and external IP are read as unknown, its answers "maybe"`), m.notes.join("\n"));
    assert.equal(m.pair("internet", "gcp:vm:nics-string")!.allowed.toString(), "nothing");
    assert.equal(m.pair("internet", "gcp:vm:nics-string")!.possible.toString(), "all");
  });

  it("a networkIp GCP would reject is a note naming the instance, the field and the value; the instance is placed anywhere in its subnetwork", () => {
    const m = analyseReachability(base([res(T.vm, "bad-ip", { networkInterfaces: [{ subnetwork: "sub-web-id", networkIp: "10.1.0.999" }] })]));
    assert.ok(m.notes.some((n) => n === `${urnOf(T.vm, "bad-ip")}: networkInterfaces[0].networkIp "10.1.0.999" is not an IP address; GCP would reject it, so the instance may be anywhere in its subnetwork`), m.notes.join("\n"));
    assert.ok(m.endpoints.some((e) => e.id === "gcp:web/vm:bad-ip"));
  });

  it("a subnetwork of another stack is a note, and the instance's answers that hang on its address are 'maybe'", () => {
    const m = analyseReachability(
      base([
        res(T.vm, "far", { networkInterfaces: [{ subnetwork: "projects/p/regions/r/subnetworks/elsewhere" }] }),
        res(T.vm, "near", { networkInterfaces: [{ subnetwork: "sub-web-id", networkIp: "10.1.0.4" }] }),
      ]),
    );
    assert.ok(m.notes.some((n) => n.startsWith(`${urnOf(T.vm, "far")}: networkInterfaces[0].subnetwork "projects/p/regions/r/subnetworks/elsewhere" is no subnetwork of this stack`)), m.notes.join("\n"));
    // The open rule names sources by range: whether it holds far's address is unknown.
    const p = m.pair("gcp:vm:far", "gcp:web/vm:near")!;
    assert.equal(p.allowed.toString(), "nothing");
    assert.equal(p.possible.toString(), "all");
  });

  it("two instances of one logical name (different parents), and a name spelled like another key, stay separate endpoints", () => {
    const a = { ...res(T.vm, "web", { networkInterfaces: [{ subnetwork: "sub-web-id", networkIp: "10.1.0.5" }] }), urn: "urn:pulumi:test::netseg::a$gcp:compute/instance:Instance::web" };
    const b = { ...res(T.vm, "web", { networkInterfaces: [{ subnetwork: "sub-web-id", networkIp: "10.1.0.6" }] }), urn: "urn:pulumi:test::netseg::b$gcp:compute/instance:Instance::web" };
    const m = analyseReachability(base([a, b]));
    const eps = m.endpoints.filter((e) => e.workloadKind === "vm");
    assert.deepEqual(eps.map((e) => [e.id, e.resource]).sort(), [["gcp:web/vm:web", a.urn], ["gcp:web/vm:web#2", b.urn]].sort());
    assert.deepEqual(eps.map((e) => e.addresses!.toString()).sort(), ["10.1.0.5/32", "10.1.0.6/32"]);
  });

  it("groups and load balancers of odd shapes are notes naming their URN, never a crash", () => {
    const m = analyseReachability(
      base([
        res(T.tpl, "tpl", { networkInterfaces: [{ subnetwork: "sub-web-id" }] }),
        res(T.mig, "versions-string", { versions: "v1" }),
        res(T.mig, "template-number", { versions: [{ instanceTemplate: 5 }] }),
        res(T.mig, "template-elsewhere", { versions: [{ instanceTemplate: "projects/p/global/instanceTemplates/other" }] }),
        res(T.mig, "ok", { versions: [{ instanceTemplate: "tpl-id" }], namedPorts: [{ name: "http", port: "abc" }] }),
        res(T.rbs, "bs-odd", { backends: "all of them" }),
        res(T.rbs, "bs-self", { backends: [{ group: "bs-self-id" }] }),
        res(T.fr, "fr-ports", { ports: ["abc"], backendService: "bs-odd-id" }),
        res(T.fr, "fr-nothing", { ports: ["443"] }),
        res(T.fr, "fr-self", { portRange: 443, backendService: "bs-self-id", ipProtocol: "ESP" }),
      ]),
    );
    const noted = (urn: string, text: RegExp) => assert.ok(m.notes.some((n) => n.startsWith(`${urn}:`) && text.test(n)), `${urn} ${text}\n${m.notes.join("\n")}`);
    noted(urnOf(T.mig, "template-elsewhere"), /names no instance template of this stack/);
    noted(urnOf(T.fr, "fr-nothing"), /has neither a backendService nor a target/);
    noted(urnOf(T.fr, "fr-ports"), /ports\[0\] "abc"/);
    noted(urnOf(T.rbs, "bs-self"), /names no instance group of this stack/);
    assert.equal(m.pair("internet", "gcp:web/mig:ok")!.allowed.toString(), "nothing");
    for (const e of m.endpoints.filter((x) => x.workloadKind === "lb")) {
      const p = m.pair("internet", e.id)!;
      assert.equal(p.allowed.toString(), "nothing", e.id);
    }
  });

  it("an instance with interfaces in two networks is a note: each network's rules are applied to all its addresses", () => {
    const m = analyseReachability(
      base([res(T.net, "other", { name: "other", autoCreateSubnetworks: false }), res(T.vm, "two-nics", { networkInterfaces: [{ network: "net-id", networkIp: "10.1.0.4" }, { network: "other-id", networkIp: "10.2.0.4" }] })]),
    );
    assert.ok(m.notes.some((n) => n.startsWith(`${urnOf(T.vm, "two-nics")}: interfaces in 2 networks`)), m.notes.join("\n"));
  });

  it("dependency lists of odd shapes (not lists) are read as no dependency: a note and 'maybe', never a crash", () => {
    const odd = { propertyDependencies: { networkInterfaces: 5, defaultService: "x" }, dependencies: "x" } as unknown as Partial<NetResource>;
    const m = analyseReachability(
      base([
        res(T.vm, "odd-deps", { networkInterfaces: [{ subnetwork: UNKNOWN_STRING }] }, odd),
        res("gcp:compute/uRLMap:URLMap", "um", { defaultService: UNKNOWN_STRING }, odd),
        res("gcp:compute/targetHttpProxy:TargetHttpProxy", "px", { urlMap: "um-id" }),
        res("gcp:compute/globalForwardingRule:GlobalForwardingRule", "gfr", { portRange: "80", target: "px-id" }),
      ]),
    );
    assert.equal(m.pair("internet", "gcp:vm:odd-deps")!.allowed.toString(), "nothing");
    assert.ok(m.notes.some((n) => n.startsWith(`${urnOf("gcp:compute/uRLMap:URLMap", "um")}: not analysed: defaultService (unknown at preview, and no dependency names it)`)), m.notes.join("\n"));
  });

  it("netseg's own egress proxy (labelled netseg-role) is infrastructure: no endpoint, no note, next to a user's instance that is one", () => {
    const m = analyseReachability(
      base([
        res(T.tpl, "proxy-tpl", { labels: { "netseg-role": "egress-proxy" }, networkInterfaces: [{ subnetwork: "sub-web-id" }] }),
        res(T.mig, "proxy", { versions: [{ instanceTemplate: "proxy-tpl-id" }] }),
        res(T.rbs, "proxy-bs", { loadBalancingScheme: "INTERNAL", backends: [{ group: UNKNOWN_STRING }] }, { propertyDependencies: { backends: [urnOf(T.mig, "proxy")] } }),
        res(T.fr, "proxy-fr", { loadBalancingScheme: "INTERNAL", ports: ["3128"], backendService: "proxy-bs-id" }),
        res(T.vm, "app-1", { networkInterfaces: [{ subnetwork: "sub-web-id", networkIp: "10.1.0.4" }] }),
      ]),
    );
    assert.deepEqual(m.endpoints.filter((e) => e.kind === "workload").map((e) => e.id), ["gcp:web/vm:app-1"]);
    assert.deepEqual(m.notes, []);
  });
});
