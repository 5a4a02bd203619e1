/**
 * What an intent may claim: peers judged by the addresses they cover (one covering the
 * internet is `internet`), address blocks a cloud deploys, peers outside netseg's own networks,
 * names the vocabulary or Kubernetes already uses.
 */
import assert from "node:assert/strict";
import { IntentError, parseIntent, type IntentInput } from "../../core/intent";

const base = (): IntentInput & { peers: { name: string; cidrs: string[] }[]; flows: { from: string; to: string; ports: string[] }[] } => ({
  name: "shop",
  addressSpace: "10.20.0.0/16",
  zones: [
    { name: "edge", internet: "inbound", egress: "nat" },
    { name: "app", egress: "proxy" },
    { name: "data", sensitive: true },
  ],
  peers: [{ name: "office", cidrs: ["203.0.113.0/24"] }],
  flows: [
    { from: "internet", to: "edge", ports: ["tcp/443"] },
    { from: "office", to: "app", ports: ["tcp/22"] },
    { from: "office", to: "data", ports: ["tcp/5432"] },
  ],
});

const tenants = () => ({
  pool: "10.128.0.0/12",
  blockPrefix: 20,
  zones: [{ name: "web" }, { name: "db", sensitive: true }],
  flows: [{ from: "web", to: "db", ports: ["tcp/5432"] }],
  sharedServices: { addressSpace: "10.64.0.0/20", ports: ["tcp/443"] },
  members: [{ name: "acme" }],
});

function issuesOf(input: unknown): string[] {
  try {
    parseIntent(input);
  } catch (e) {
    assert.ok(e instanceof IntentError, String(e));
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail("expected the intent to be refused");
}

function refuses(input: unknown, expected: RegExp): void {
  const found = issuesOf(input);
  assert.ok(found.some((m) => expected.test(m)), `${expected} not in:\n${found.join("\n")}`);
}

/** Every public IPv4 address outside 10.0.0.0/8, as CIDRs that avoid the address space. */
const PUBLIC_BUT_10 = ["11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1"];

describe("core/intent: peers that stand in for the internet", () => {
  it("keeps an office /24, a private /8 and one organisation's public /8 as ordinary peers, into sensitive zones too", () => {
    for (const cidrs of [["203.0.113.0/24"], ["172.16.0.0/12", "192.168.0.0/16"], ["17.0.0.0/8"], ["2001:db8::/32"]]) {
      const input = base();
      input.peers[0].cidrs = cidrs;
      assert.equal(parseIntent(input).flows.length, 3, cidrs.join(", "));
    }
  });

  const worlds: [string, string[]][] = [
    ["0.0.0.0/0", ["0.0.0.0/0"]],
    ["two /1 halves", ["0.0.0.0/1", "128.0.0.0/1"]],
    ["::/0", ["::/0"]],
    ["two IPv6 halves", ["::/1", "8000::/1"]],
    ["all public IPv4 but the address space's /8", PUBLIC_BUT_10],
    ["two public /8s", ["17.0.0.0/8", "18.0.0.0/8"]],
    ["a public IPv6 /15", ["2a00::/15"]],
  ];
  for (const [what, cidrs] of worlds) {
    it(`treats a peer of ${what} as the internet: refused into sensitive and non-internet-facing zones`, () => {
      const input = base();
      input.peers[0].cidrs = cidrs;
      const found = issuesOf(input);
      assert.ok(found.some((m) => /^flows\[1\]\.from: peer "office" stands in for the internet .*zone "app" is not internet-facing/.test(m)), found.join("\n"));
      assert.ok(found.some((m) => /^flows\[2\]\.from: peer "office" stands in for the internet .*zone "data" is sensitive/.test(m)), found.join("\n"));
    });
  }

  it("lets a peer that covers the internet reach an internet-facing zone, as the internet may", () => {
    const input = base();
    input.peers[0].cidrs = PUBLIC_BUT_10;
    input.flows = [{ from: "office", to: "edge", ports: ["tcp/443"] }];
    assert.equal(parseIntent(input).flows.length, 1);
  });

  it("lets only zones with egress nat open connections to such a peer", () => {
    const input = base();
    input.peers[0].cidrs = PUBLIC_BUT_10;
    input.flows = [
      { from: "edge", to: "office", ports: ["tcp/443"] },
      { from: "app", to: "office", ports: ["tcp/443"] },
      { from: "data", to: "office", ports: ["tcp/443"] },
    ];
    const found = issuesOf(input);
    assert.deepEqual(found.map((m) => m.split(":")[0]), ["flows[1].to", "flows[2].to"]);
    assert.match(found[0], /zone "app" has egress proxy, so it cannot open connections straight to the internet/);
    assert.match(found[1], /zone "data" has egress none/);
  });

  it("judges tenant template flows the same way", () => {
    const input: any = base();
    input.peers[0].cidrs = PUBLIC_BUT_10;
    input.flows = [];
    input.tenants = tenants();
    input.tenants.flows.push({ from: "office", to: "db", ports: ["tcp/5432"] });
    refuses(input, /^tenants\.flows\[1\]\.from: peer "office" stands in for the internet .*zone "db" is sensitive/);
  });
});

describe("core/intent: address blocks a cloud deploys", () => {
  const cases: [string, (i: any) => void, RegExp][] = [
    ["an addressSpace of /0", (i) => (i.addressSpace = "0.0.0.0/0"), /^addressSpace: 0\.0\.0\.0\/0 is larger than \/16: it becomes the VPC's CIDR block, and AWS accepts \/16 to \/28/],
    ["an addressSpace of /8", (i) => (i.addressSpace = "10.0.0.0/8"), /^addressSpace: 10\.0\.0\.0\/8 is larger than \/16/],
    ["a loopback addressSpace", (i) => (i.addressSpace = "127.1.0.0/16"), /^addressSpace: 127\.1\.0\.0\/16 takes in special-use space \(127\.1\.0\.0\/16\)/],
    ["a multicast addressSpace", (i) => (i.addressSpace = "239.1.0.0/16"), /^addressSpace: .*special-use/],
    ["a tenant pool of /0", (i) => (i.tenants = { ...tenants(), pool: "0.0.0.0/0" }), /^tenants\.pool: 0\.0\.0\.0\/0 is larger than \/8/],
    ["an IPv6 tenant pool", (i) => (i.tenants = { ...tenants(), pool: "fd00::/8" }), /^tenants\.pool: must be an IPv4 block/],
    ["a shared-services block of /12", (i) => (i.tenants = { ...tenants(), sharedServices: { addressSpace: "10.64.0.0/12", ports: ["tcp/443"] } }), /^tenants\.sharedServices\.addressSpace: 10\.64\.0\.0\/12 is larger than \/16/],
  ];
  for (const [what, mutate, expected] of cases) {
    it(`refuses ${what}`, () => {
      const input = base();
      mutate(input);
      refuses(input, expected);
    });
  }

  it("accepts a /16 address space, a /8 tenant pool and a /16 shared-services block", () => {
    const input: any = base();
    input.tenants = { ...tenants(), pool: "10.0.0.0/8", sharedServices: { addressSpace: "172.16.0.0/16", ports: ["tcp/443"] } };
    input.addressSpace = "192.168.0.0/16";
    assert.equal(parseIntent(input).tenants?.pool, "10.0.0.0/8");
  });
});

describe("core/intent: peers outside netseg's own networks", () => {
  it("refuses a peer inside the address space, the tenant pool or the shared-services block", () => {
    const input: any = base();
    input.tenants = tenants();
    input.peers.push({ name: "sneaky", cidrs: ["10.20.4.0/24", "10.130.0.0/16", "10.64.0.0/24", "198.51.100.0/24"] });
    const found = issuesOf(input);
    assert.deepEqual(found.filter((m) => m.startsWith("peers[1]")), [
      "peers[1].cidrs[0]: 10.20.4.0/24 overlaps the addressSpace 10.20.0.0/16: flows from the peer would reach the zones as if from inside",
      "peers[1].cidrs[1]: 10.130.0.0/16 overlaps the tenant pool 10.128.0.0/12: the peer would stand in for tenants, whose blocks every other tenant must never reach",
      "peers[1].cidrs[2]: 10.64.0.0/24 overlaps the shared-services block 10.64.0.0/20: the peer would stand in for the shared-services VPC",
    ]);
  });

  it("tells a peer of 0.0.0.0/0 to write internet instead", () => {
    const input = base();
    input.peers[0].cidrs = ["0.0.0.0/0"];
    input.flows = [];
    assert.throws(() => parseIntent(input), (e: unknown) => e instanceof IntentError && e.issues.some((i) => i.path === "peers[0].cidrs[0]" && /write "internet" as the flow's endpoint/.test(i.fix ?? "")));
  });
});

describe("core/intent: reserved names", () => {
  const cases: [string, (i: any) => void, RegExp][] = [
    ["a zone named internet", (i) => i.zones.push({ name: "internet" }), /^zones\[3\]\.name: "internet" is the flow endpoint for the internet/],
    ["a managed zone named kube-system", (i) => i.zones.push({ name: "kube-system" }), /^zones\[3\]\.name: zone "kube-system" is named like a Kubernetes system namespace/],
    ["a managed zone named default", (i) => i.zones.push({ name: "default" }), /^zones\[3\]\.name: zone "default" is named like a Kubernetes system namespace/],
    ["a managed zone named kube-node-lease", (i) => i.zones.push({ name: "kube-node-lease" }), /^zones\[3\]\.name: zone "kube-node-lease" is named like a Kubernetes system namespace/],
    ["a managed zone named kube-anything", (i) => i.zones.push({ name: "kube-flannel" }), /^zones\[3\]\.name: zone "kube-flannel" is named like a Kubernetes system namespace/],
    ["a tenant zone named like a peer", (i) => (i.tenants = { ...tenants(), zones: [{ name: "office" }], flows: [] }), /^tenants\.zones\[0\]\.name: "office" is already the name of a peer/],
    ["a tenant zone named shared-services", (i) => (i.tenants = { ...tenants(), zones: [{ name: "shared-services" }], flows: [] }), /^tenants\.zones\[0\]\.name: "shared-services" is a flow endpoint of every tenant VPC/],
    ["a peer named shared-services beside tenants", (i) => ((i.tenants = tenants()), i.peers.push({ name: "shared-services", cidrs: ["192.0.2.0/24"] })), /^peers\[1\]\.name: "shared-services" is the peer netseg gives every tenant VPC/],
    ["a tenant named shared-services", (i) => (i.tenants = { ...tenants(), members: [{ name: "shared-services" }] }), /^tenants\.members\[0\]\.name: "shared-services" is reserved/],
  ];
  for (const [what, mutate, expected] of cases) {
    it(`refuses ${what}`, () => {
      const input = base();
      mutate(input);
      refuses(input, expected);
    });
  }

  it("does not judge a system-namespace zone on a default its author did not write (a misspelt managed)", () => {
    const input: any = base();
    input.zones.push({ name: "kube-system", managed: "no" });
    const found = issuesOf(input);
    assert.deepEqual(found.map((m) => m.split(":")[0]), ["zones[3].managed"]);
  });

  it("lets a zone reference an existing system namespace with managed: false", () => {
    const input = base();
    input.zones.push({ name: "kube-system", managed: false });
    input.flows.push({ from: "kube-system", to: "app", ports: ["tcp/9090"] });
    assert.equal(parseIntent(input).zones[3].managed, false);
  });
});
