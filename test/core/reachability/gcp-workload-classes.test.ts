/**
 * GCP workloads every rule treats alike are judged once (issue 12, scale): the engine marks
 * the others `sameAs` their representative and the matrix answers for them with its verdict.
 * Hand-worked cases on one network `net` with zones web (two subnetworks, 10.1.0.0/24 and
 * 10.1.2.0/24) and app (10.1.1.0/24): what makes two instances alike, and each thing that sets
 * one apart (a tag a rule names, an account, an external IP, a rule cutting its range, a load
 * balancer naming it).
 */
import assert from "node:assert/strict";
import { analyseReachability, type Matrix, type NetResource } from "../../../core/reachability";
import { res } from "./build";

const T = {
  net: "gcp:compute/network:Network",
  sub: "gcp:compute/subnetwork:Subnetwork",
  fw: "gcp:compute/firewall:Firewall",
  vm: "gcp:compute/instance:Instance",
  pool: "gcp:compute/targetPool:TargetPool",
  fr: "gcp:compute/forwardingRule:ForwardingRule",
} as const;

function base(extra: NetResource[]): NetResource[] {
  return [
    res(T.net, "net", { name: "net", autoCreateSubnetworks: false }),
    res(T.sub, "sub-web", { network: "net-id", ipCidrRange: "10.1.0.0/24", description: "netseg-zone=web" }),
    res(T.sub, "sub-web2", { network: "net-id", ipCidrRange: "10.1.2.0/24", description: "netseg-zone=web" }),
    res(T.sub, "sub-app", { network: "net-id", ipCidrRange: "10.1.1.0/24", description: "netseg-zone=app" }),
    ...extra,
  ];
}

const fw = (name: string, props: Record<string, unknown>) => res(T.fw, name, { network: "net-id", priority: 1000, ...props });
const vm = (name: string, subnet: string, props: Record<string, unknown> = {}, nic: Record<string, unknown> = {}) =>
  res(T.vm, name, { machineType: "e2-small", networkInterfaces: [{ network: "net-id", subnetwork: `${subnet}-id`, ...nic }], ...props });

const rules = [
  fw("https", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["443"] }], sourceRanges: ["0.0.0.0/0"], targetTags: ["web"] }),
  fw("app-from-web", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["8080"] }], sourceTags: ["web"], targetTags: ["app"] }),
  fw("ssh-admin", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["10.0.0.0/8"], targetTags: ["admin"] }),
];

const sameAs = (m: Matrix, id: string) => m.endpoints.find((e) => e.id === id)?.sameAs;
/** The representative an endpoint is judged through (itself when it has none). */
const repOf = (m: Matrix, id: string) => sameAs(m, id) ?? id;

/** Every answer of `a` equals `b`'s, towards and from every endpoint of the matrix. */
function answersAlike(m: Matrix, a: string, b: string): void {
  for (const e of m.endpoints) {
    for (const [x, y, u, v] of [[a, e.id, b, e.id], [e.id, a, e.id, b]] as const) {
      const p = m.pair(x, y);
      const q = m.pair(u, v);
      assert.equal(p?.allowed.toString(), q?.allowed.toString(), `${x} -> ${y} against ${u} -> ${v}`);
      assert.equal(p?.possible.toString(), q?.possible.toString(), `possible ${x} -> ${y} against ${u} -> ${v}`);
    }
  }
}

describe("reachability / GCP workload equivalence classes", () => {
  it("instances with the same zone, named tags, account and address treatment are judged once, in any subnetwork of their zone", () => {
    const m = analyseReachability(
      base([
        ...rules,
        vm("web-1", "sub-web", { tags: ["web"] }),
        vm("web-2", "sub-web2", { tags: ["web"] }),
        vm("web-3", "sub-web", { tags: ["web"] }, { networkIp: "10.1.0.9" }),
        // A tag no rule or route names changes nothing.
        vm("web-4", "sub-web", { tags: ["web", "team-blue"] }),
        vm("app-1", "sub-app", { tags: ["app"] }),
      ]),
    );
    const rep = repOf(m, "gcp:web/vm:web-1");
    for (const id of ["gcp:web/vm:web-1", "gcp:web/vm:web-2", "gcp:web/vm:web-3", "gcp:web/vm:web-4"]) assert.equal(repOf(m, id), rep, id);
    assert.equal(sameAs(m, rep), undefined);
    // Only representatives are judged: no pair names a member.
    const members = new Set(m.endpoints.filter((e) => e.sameAs).map((e) => e.id));
    assert.equal(members.size, 3);
    assert.ok(m.pairs.every((p) => !members.has(p.from) && !members.has(p.to)));
    // Members answer as their representative, under their own name.
    for (const id of members) answersAlike(m, id, rep);
    const p = m.pair("gcp:web/vm:web-2", "gcp:app/vm:app-1")!;
    assert.equal(p.from, "gcp:web/vm:web-2");
    assert.equal(p.allowed.toString(), "tcp/8080");
    assert.equal(m.pair("internet", "gcp:web/vm:web-4")!.possible.toString(), "nothing"); // no external IP
  });

  it("a named tag, a service account or an external IP sets an instance apart", () => {
    const m = analyseReachability(
      base([
        ...rules,
        fw("from-sa", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["9000"] }], sourceServiceAccounts: ["ops@p.iam.gserviceaccount.com"], targetTags: ["app"] }),
        vm("web-1", "sub-web", { tags: ["web"] }),
        vm("web-admin", "sub-web", { tags: ["web", "admin"] }),
        vm("web-ops", "sub-web", { tags: ["web"], serviceAccount: { email: "ops@p.iam.gserviceaccount.com", scopes: ["cloud-platform"] } }),
        vm("web-public", "sub-web", { tags: ["web"] }, { accessConfigs: [{}] }),
        vm("app-1", "sub-app", { tags: ["app"] }),
      ]),
    );
    const ids = ["gcp:web/vm:web-1", "gcp:web/vm:web-admin", "gcp:web/vm:web-ops", "gcp:web/vm:web-public"];
    assert.equal(new Set(ids.map((id) => repOf(m, id))).size, 4);
    assert.equal(m.pair("gcp:app/vm:app-1", "gcp:web/vm:web-admin")!.allowed.toString(), "tcp/22, tcp/443");
    assert.equal(m.pair("gcp:app/vm:app-1", "gcp:web/vm:web-1")!.allowed.toString(), "tcp/443");
    assert.equal(m.pair("gcp:web/vm:web-ops", "gcp:app/vm:app-1")!.allowed.toString(), "tcp/8080, tcp/9000");
    assert.equal(m.pair("internet", "gcp:web/vm:web-public")!.allowed.toString(), "tcp/443");
  });

  it("a rule cutting a range sets apart the addresses on either side of it, and instances whose address GCP picks in the cut range", () => {
    const m = analyseReachability(
      base([
        ...rules,
        fw("deny-low", { direction: "INGRESS", priority: 900, denies: [{ protocol: "tcp", ports: ["8080"] }], sourceRanges: ["10.1.0.0/25"], targetTags: ["app"] }),
        vm("low-1", "sub-web", { tags: ["web"] }, { networkIp: "10.1.0.9" }),
        vm("low-2", "sub-web", { tags: ["web"] }, { networkIp: "10.1.0.100" }),
        vm("high-1", "sub-web", { tags: ["web"] }, { networkIp: "10.1.0.200" }),
        // Picked in the uncut subnetwork: treated like a fixed address the rules do not cut.
        vm("other", "sub-web2", { tags: ["web"] }),
        // Picked in the cut subnetwork: may land on either side ("maybe").
        vm("picked-1", "sub-web", { tags: ["web"] }),
        vm("picked-2", "sub-web", { tags: ["web"] }),
        vm("app-1", "sub-app", { tags: ["app"] }),
      ]),
    );
    const r = (n: string) => repOf(m, `gcp:web/vm:${n}`);
    assert.equal(r("low-1"), r("low-2"));
    assert.equal(r("high-1"), r("other"));
    assert.equal(r("picked-1"), r("picked-2"));
    assert.equal(new Set([r("low-1"), r("high-1"), r("picked-1")]).size, 3);
    const to = (n: string) => m.pair(`gcp:web/vm:${n}`, "gcp:app/vm:app-1")!;
    assert.equal(to("low-2").possible.toString(), "nothing");
    assert.equal(to("high-1").allowed.toString(), "tcp/8080");
    assert.equal(to("other").allowed.toString(), "tcp/8080");
    assert.equal(to("picked-2").allowed.toString(), "nothing");
    assert.equal(to("picked-2").possible.toString(), "tcp/8080");
  });

  it("where GCP picks the address in a cut range, the instance is set apart from one whose fixed addresses the rules cut alike", () => {
    // Two interfaces (GCP wants each in a network of its own): fixed on either side of the cut, or both picked.
    const nics = (ips: [string, string] | undefined) => ({
      networkInterfaces: [
        { network: "net-id", subnetwork: "sub-web-id", ...(ips ? { networkIp: ips[0] } : {}) },
        { network: "net2-id", subnetwork: "side-id", ...(ips ? { networkIp: ips[1] } : {}) },
      ],
    });
    const m = analyseReachability(
      base([
        res(T.net, "net2", { name: "net2", autoCreateSubnetworks: false }),
        res(T.sub, "side", { network: "net2-id", ipCidrRange: "10.1.0.128/25" }),
        fw("app-from-net", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["8080"] }], sourceRanges: ["10.1.0.0/16"], targetTags: ["app"] }),
        fw("deny-low", { direction: "INGRESS", priority: 900, denies: [{ protocol: "tcp", ports: ["8080"] }], sourceRanges: ["10.1.0.0/25"], targetTags: ["app"] }),
        res(T.vm, "fixed", nics(["10.1.0.9", "10.1.0.200"])),
        res(T.vm, "picked", nics(undefined)),
        vm("app-1", "sub-app", { tags: ["app"] }),
      ]),
    );
    assert.notEqual(repOf(m, "gcp:web/vm:fixed"), repOf(m, "gcp:web/vm:picked"));
    assert.equal(m.pair("gcp:web/vm:fixed", "gcp:app/vm:app-1")!.allowed.toString(), "tcp/8080");
    assert.equal(m.pair("gcp:web/vm:picked", "gcp:app/vm:app-1")!.allowed.toString(), "nothing");
    assert.equal(m.pair("gcp:web/vm:picked", "gcp:app/vm:app-1")!.possible.toString(), "tcp/8080");
  });

  it("a Cloud NAT serving one subnetwork of a zone sets its instances apart from the zone's others", () => {
    const m = analyseReachability(
      base([
        ...rules,
        res("gcp:compute/router:Router", "router", { network: "net-id", region: "europe-west1" }),
        res("gcp:compute/routerNat:RouterNat", "nat", { router: "router-id", region: "europe-west1", sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS", subnetworks: [{ name: "sub-web2-id", sourceIpRangesToNats: ["ALL_IP_RANGES"] }] }),
        vm("web-1", "sub-web", { tags: ["web"] }),
        vm("web-2", "sub-web2", { tags: ["web"] }),
      ]),
    );
    assert.notEqual(repOf(m, "gcp:web/vm:web-1"), repOf(m, "gcp:web/vm:web-2"));
    assert.equal(m.pair("gcp:web/vm:web-1", "internet")!.possible.toString(), "nothing");
    assert.equal(m.pair("gcp:web/vm:web-2", "internet")!.allowed.toString(), "all");
  });

  it("a load balancer's backends are set apart from other instances, and alike backends answer through one", () => {
    const m = analyseReachability(
      base([
        ...rules,
        vm("web-1", "sub-web", { tags: ["web"] }),
        vm("web-2", "sub-web", { tags: ["web"] }),
        vm("web-3", "sub-web", { tags: ["web"] }),
        res(T.pool, "pool", { instances: ["web-1-id", "web-2-id"] }),
        res(T.fr, "fr", { loadBalancingScheme: "EXTERNAL", ipProtocol: "TCP", ports: ["443"], target: "pool-id" }),
      ]),
    );
    const r = (n: string) => repOf(m, `gcp:web/vm:${n}`);
    assert.equal(r("web-1"), r("web-2"));
    assert.notEqual(r("web-1"), r("web-3"));
    assert.equal(m.pair("internet", "gcp:web/vm:web-2")!.allowed.toString(), "tcp/443");
    assert.equal(m.pair("internet", "gcp:web/vm:web-3")!.possible.toString(), "nothing");
    assert.equal(m.pair("internet", "gcp:web/lb:fr")!.allowed.toString(), "tcp/443");
  });
});
