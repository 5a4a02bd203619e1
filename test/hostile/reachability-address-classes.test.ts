/**
 * Hostile rule sets for the reachability engine's address classes (core/reachability/addr-classes):
 * hundreds of distinct /32 denies cutting the internet into hundreds of classes, rules nested at
 * every prefix length, two /1 halves standing for the whole internet, and partial rules whose
 * ranges are unknown at preview or malformed. None may crash, hang or answer a wrong "denied".
 */
import assert from "node:assert/strict";
import { TrafficSet } from "../../core/net";
import { analyseReachability, explainCut, type NetResource } from "../../core/reachability";
import { res, UNKNOWN_STRING } from "../core/reachability/build";

const FW = "gcp:compute/firewall:Firewall";
const tcp443 = TrafficSet.of("tcp", 443);

function gcp(rules: Record<string, unknown>[]): NetResource[] {
  return [
    res("gcp:compute/network:Network", "net", { name: "net", autoCreateSubnetworks: false }),
    res("gcp:compute/subnetwork:Subnetwork", "sub-web", { network: "net-id", ipCidrRange: "10.1.0.0/24", description: "netseg-zone=web" }),
    ...rules.map((r, i) => res(FW, `fw-${i}`, { network: "net-id", direction: "INGRESS", ...r })),
  ];
}

describe("hostile / reachability address classes", function () {
  this.timeout(60_000);

  it("600 distinct /32 denies before an allow of everything: the rest of the internet stays allowed, the label stays short", () => {
    const denied = Array.from({ length: 600 }, (_, i) => `${11 + (i % 90)}.${i % 251}.${(i * 7) % 256}.${(i * 13) % 256}/32`);
    const rules = [
      { priority: 1000, allows: [{ protocol: "tcp", ports: ["443"] }], sourceRanges: ["0.0.0.0/0"] },
      ...denied.map((c) => ({ priority: 900, denies: [{ protocol: "all" }], sourceRanges: [c] })),
      // The whole office block, address by address.
      ...[0, 1, 2, 3].map((h) => ({ priority: 900, denies: [{ protocol: "all" }], sourceRanges: [`198.51.100.${h}/32`] })),
    ];
    const m = analyseReachability(gcp(rules), { peers: [{ name: "office", cidrs: ["198.51.100.0/30"] }] });
    const p = m.pair("internet", "gcp:web")!;
    assert.equal(p.allowed.toString(), "tcp/443");
    const [pass] = explainCut(p, tcp443).passes;
    assert.match(pass, /^internet \(IPv4, all but 11\.0\.0\.0\/32, .* and \d+ more\) -> web$/);
    assert.ok(pass.length < 200, pass);
    assert.equal(m.pair("office", "gcp:web")!.allowed.toString(), "nothing");
  });

  it("rules nested at every prefix length, allow and deny in turn, most specific first: one address still passes", () => {
    // Priority p for prefix 32 - p: the /32 allows, the /31 denies, the /30 allows, ... the /0 denies.
    const rules = Array.from({ length: 33 }, (_, p) => {
      const prefix = 32 - p;
      const base = prefix === 0 ? "0.0.0.0" : "203.0.113.7";
      return { priority: p, [p % 2 === 0 ? "allows" : "denies"]: [{ protocol: "tcp", ports: ["443"] }], sourceRanges: [`${base}/${prefix}`] };
    });
    const p = analyseReachability(gcp(rules)).pair("internet", "gcp:web")!;
    assert.equal(p.allowed.toString(), "tcp/443");
    assert.ok(explainCut(p, tcp443).passes.some((l) => l.includes("203.0.113.7/32")), explainCut(p, tcp443).passes.join("\n"));
  });

  it("two /1 halves allow the whole IPv4 internet; an IPv6 deny leaves IPv4 alone", () => {
    const rules = [
      { priority: 1000, allows: [{ protocol: "tcp", ports: ["443"] }], sourceRanges: ["0.0.0.0/1"] },
      { priority: 1000, allows: [{ protocol: "tcp", ports: ["443"] }], sourceRanges: ["128.0.0.0/1", "::/0"] },
      { priority: 10, denies: [{ protocol: "all" }], sourceRanges: ["::/0"] },
    ];
    // A dual-stack subnetwork: an IPv4-only one never meets the internet's IPv6 part at all.
    const dual = gcp(rules).map((r) => (r.name === "sub-web" ? { ...r, props: { ...r.props, stackType: "IPV4_IPV6", ipv6AccessType: "EXTERNAL" } } : r));
    const p = analyseReachability(dual).pair("internet", "gcp:web")!;
    assert.equal(p.allowed.toString(), "tcp/443");
    const cut = explainCut(p, tcp443);
    assert.deepEqual(cut.passes, ["internet (0.0.0.0/1) -> web", "internet (128.0.0.0/1) -> web"]);
    assert.ok(cut.blocks.some((b) => b.reason.endsWith("(internet (IPv6) -> web)")), cut.blocks.map((b) => b.reason).join("\n"));
  });

  it("a partial deny whose ranges are unknown at preview makes the pair possible, never certain and never a crash", () => {
    const rules = [
      { priority: 1000, allows: [{ protocol: "tcp", ports: ["443"] }], sourceRanges: ["0.0.0.0/0"] },
      { priority: 900, denies: [{ protocol: "all" }], sourceRanges: [UNKNOWN_STRING] },
      { priority: 900, denies: [{ protocol: "all" }], sourceRanges: ["203.0.113.0/24", "not-a-cidr", "999.1.1.1/8"] },
    ];
    const p = analyseReachability(gcp(rules)).pair("internet", "gcp:web")!;
    assert.equal(p.allowed.toString(), "nothing");
    assert.equal(p.possible.toString(), "tcp/443");
  });
});
