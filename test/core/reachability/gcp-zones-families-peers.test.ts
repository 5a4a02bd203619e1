/**
 * GCP: a zone judged per kind of member (each instance template's own tags and service
 * account), a packet of one address family end to end (subnetwork and interface `stackType`),
 * and declared peer networks reached only along a route. Hand-worked cases on one network `net`
 * (default internet route kept unless a case deletes it) with zones web (10.1.0.0/24) and db
 * (10.1.1.0/24).
 */
import assert from "node:assert/strict";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, explainBlocked, explainCut, type NetResource } from "../../../core/reachability";
import { res, UNKNOWN_STRING } from "./build";

const T = {
  net: "gcp:compute/network:Network",
  sub: "gcp:compute/subnetwork:Subnetwork",
  fw: "gcp:compute/firewall:Firewall",
  route: "gcp:compute/route:Route",
  vm: "gcp:compute/instance:Instance",
  tpl: "gcp:compute/instanceTemplate:InstanceTemplate",
} as const;

const tcp = (p: number) => TrafficSet.of("tcp", p);

function stack(extra: NetResource[], web: Record<string, unknown> = {}): NetResource[] {
  return [
    res(T.net, "net", { name: "net", autoCreateSubnetworks: false }),
    res(T.sub, "sub-web", { network: "net-id", ipCidrRange: "10.1.0.0/24", description: "netseg-zone=web", ...web }),
    res(T.sub, "sub-db", { network: "net-id", ipCidrRange: "10.1.1.0/24", description: "netseg-zone=db" }),
    ...extra,
  ];
}

const fw = (name: string, props: Record<string, unknown>) => res(T.fw, name, { network: "net-id", priority: 1000, ...props });
const template = (name: string, zone: string, props: Record<string, unknown>) => res(T.tpl, name, { machineType: "e2-small", labels: { "netseg-zone": zone }, ...props });
const sa = (id: string) => `${id}@proj.iam.gserviceaccount.com`;
const allowAllIn = fw("in", { direction: "INGRESS", allows: [{ protocol: "all" }], sourceRanges: ["0.0.0.0/0", "::/0"] });

describe("reachability / GCP zones of several kinds of instance", () => {
  it("a source-tag deny of one template's instances leaves the other template's allowed traffic", () => {
    const m = analyseReachability(
      stack([
        template("tpl-a", "web", { tags: ["t1"] }),
        template("tpl-b", "web", { tags: ["t2"] }),
        fw("allow-t1", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["5432"] }], sourceTags: ["t1", "t2"], targetTags: ["db"] }),
        fw("deny-t2", { direction: "INGRESS", priority: 900, denies: [{ protocol: "tcp", ports: ["5432"] }], sourceTags: ["t2"], targetTags: ["db"] }),
        template("tpl-db", "db", { tags: ["db"] }),
      ]),
    );
    const p = m.pair("gcp:web", "gcp:db")!;
    assert.equal(p.allowed.toString(), "tcp/5432");
    assert.deepEqual(explainCut(p, tcp(5432)).passes, ["web (instances with tags t1) -> db"]);
    // The zone is one endpoint, however many kinds of instance it holds.
    assert.deepEqual(m.endpoints.filter((e) => e.id === "gcp:web").length, 1);
  });

  it("a deny aimed at one template's service account leaves the instances running as another", () => {
    const m = analyseReachability(
      stack([
        template("tpl-a", "web", { serviceAccount: { email: sa("sa-a"), scopes: [] } }),
        template("tpl-b", "web", { serviceAccount: { email: sa("sa-b"), scopes: [] } }),
        fw("allow-ssh", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["0.0.0.0/0"] }),
        fw("deny-b", { direction: "INGRESS", priority: 900, denies: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["0.0.0.0/0"], targetServiceAccounts: [sa("sa-b")] }),
      ]),
    );
    assert.equal(m.pair("internet", "gcp:web")!.allowed.toString(), "tcp/22");
    // Denied for both accounts: nothing.
    const both = analyseReachability(
      stack([
        template("tpl-a", "web", { serviceAccount: { email: sa("sa-a"), scopes: [] } }),
        template("tpl-b", "web", { serviceAccount: { email: sa("sa-b"), scopes: [] } }),
        fw("allow-ssh", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["0.0.0.0/0"] }),
        fw("deny-ab", { direction: "INGRESS", priority: 900, denies: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["0.0.0.0/0"], targetServiceAccounts: [sa("sa-a"), sa("sa-b")] }),
      ]),
    );
    assert.equal(both.pair("internet", "gcp:web")!.allowed.toString(), "nothing");
  });
});

describe("reachability / GCP address families: a packet is IPv4 or IPv6 end to end", () => {
  const lab = { name: "lab", cidrs: ["2001:db8::/32"] };

  it("an IPv4-only zone and an IPv6-only peer have no family in common, and the block says so", () => {
    const m = analyseReachability(stack([allowAllIn]), { peers: [lab] });
    const p = m.pair("lab", "gcp:web")!;
    assert.equal(p.allowed.toString(), "nothing");
    assert.equal(p.possible.toString(), "nothing");
    assert.match(explainBlocked(p, tcp(22))[0].reason, /no address family in common/);
  });

  it("a dual-stack zone meets the IPv6 internet and an IPv6 peer", () => {
    const m = analyseReachability(stack([allowAllIn], { stackType: "IPV4_IPV6", ipv6AccessType: "EXTERNAL" }), { peers: [lab] });
    assert.equal(m.pair("lab", "gcp:web")!.allowed.toString(), "all");
    const out = m.pair("gcp:web", "internet")!;
    assert.ok(explainCut(out, tcp(443)).passes.includes("web -> internet (IPv6)"), explainCut(out, tcp(443)).passes.join("\n"));
  });

  it("an instance whose interface stack type is unknown at preview may have an IPv6 address: possible, not certain", () => {
    const vm = res(T.vm, "vm", { machineType: "e2-small", networkInterfaces: [{ network: "net-id", subnetwork: "sub-web-id", networkIp: "10.1.0.5", stackType: UNKNOWN_STRING, ipv6AccessConfigs: [{ networkTier: "PREMIUM" }] }] });
    const m = analyseReachability(stack([allowAllIn, vm], { stackType: "IPV4_IPV6", ipv6AccessType: "EXTERNAL" }), { peers: [lab] });
    // Its IPv6 access config gives it an IPv6 address whatever the stack type: certain.
    assert.equal(m.pair("lab", "gcp:web/vm:vm")!.allowed.toString(), "all");
    const bare = res(T.vm, "vm", { machineType: "e2-small", networkInterfaces: [{ network: "net-id", subnetwork: "sub-web-id", networkIp: "10.1.0.5", stackType: UNKNOWN_STRING }] });
    const corp = { name: "corp6", cidrs: ["fd00:10::/48"] };
    const vpn = res(T.route, "to-corp6", { network: "net-id", destRange: "fd00:10::/48", nextHopVpnTunnel: "tunnel-id" });
    const p = analyseReachability(stack([allowAllIn, bare, vpn], { stackType: "IPV4_IPV6" }), { peers: [corp] }).pair("corp6", "gcp:web/vm:vm")!;
    assert.equal(p.allowed.toString(), "nothing");
    assert.equal(p.possible.toString(), "all");
  });
});

describe("reachability / GCP peer networks are reached along a route", () => {
  const corp = { name: "corp", cidrs: ["172.16.8.0/22"] };
  const office = { name: "office", cidrs: ["198.51.100.0/24"] };

  it("a private peer is not reached through the internet gateway: without a route of the stack, possible only", () => {
    const p = analyseReachability(stack([allowAllIn]), { peers: [corp] }).pair("corp", "gcp:web")!;
    assert.equal(p.allowed.toString(), "nothing");
    assert.equal(p.possible.toString(), "all");
    // The stage that leaves it uncertain names why.
    const why = p.paths.flatMap((x) => x.stages).filter((st) => st.lower.isEmpty() && !st.upper.isEmpty()).map((st) => st.missing);
    assert.ok(why.some((w) => /no route of this stack leads from web to corp; routes may come from outside the stack/.test(w ?? "")), why.join("\n"));
  });

  it("a route to a VPN tunnel covering the private peer makes it certain", () => {
    const vpn = res(T.route, "to-corp", { network: "net-id", destRange: "172.16.8.0/22", nextHopVpnTunnel: "tunnel-id" });
    const m = analyseReachability(stack([allowAllIn, vpn]), { peers: [corp] });
    assert.equal(m.pair("corp", "gcp:web")!.allowed.toString(), "all");
    assert.equal(m.pair("gcp:web", "corp")!.allowed.toString(), "all");
  });

  it("a public peer is reached through the internet gateway, as the internet is: an instance needs an external IP or Cloud NAT", () => {
    const vm = res(T.vm, "vm", { machineType: "e2-small", networkInterfaces: [{ network: "net-id", subnetwork: "sub-web-id", networkIp: "10.1.0.5" }] });
    const m = analyseReachability(stack([allowAllIn, vm]), { peers: [office] });
    assert.equal(m.pair("office", "gcp:web")!.allowed.toString(), "all");
    assert.equal(m.pair("office", "gcp:web/vm:vm")!.allowed.toString(), "nothing");
    assert.equal(m.pair("gcp:web/vm:vm", "office")!.allowed.toString(), "nothing");
    assert.match(explainBlocked(m.pair("office", "gcp:web/vm:vm")!, tcp(22))[0].reason, /has no external IP/);
  });
});
