/**
 * Hostile resource properties. Every rule of every pack is fed malformed values where ports,
 * protocols, CIDRs, rule numbers, selectors and lists go (out of range, reversed, NaN, text,
 * numbers where strings go, objects, prototype names, huge lists), through @pulumi/policy's own
 * unknown-checking proxy (test/policy-packs/harness.ts): no rule throws, no unknown escapes, and
 * the pack reports a finding that names the resource and says the provider would reject it.
 * The same values as unknowns never crash a rule either. The reachability model builders, fed
 * the same, neither throw nor answer "no": a malformed rule is a noted "maybe" at its widest.
 */
import assert from "node:assert/strict";
import { TrafficSet } from "../../core/net";
import { analyseReachability, k8sObjectsToResources, type NetResource } from "../../core/reachability";
import { ResourceGraph } from "../../core/reachability/graph";
import { readK8s } from "../../core/reachability/k8s/model";
import { awsRules } from "../../policy-packs/rules/aws";
import { conformanceRules } from "../../policy-packs/rules/conformance";
import type { NetsegPolicy, NetsegResourcePolicy, NetsegStackPolicy } from "../../policy-packs/rules/define";
import { gcpRules } from "../../policy-packs/rules/gcp";
import { kubernetesRules } from "../../policy-packs/rules/kubernetes";
import { awsResources, baseline } from "../core/reachability/aws-fixture";
import { res, urnOf } from "../core/reachability/build";
import { naclStack, sgStack } from "../policy-packs/aws/fixtures";
import { runResource, runStack, setIn, U, type Fixture, type Outcome } from "../policy-packs/harness";
import { k8sStack } from "../policy-packs/kubernetes/fixtures";

/** Values no port field may hold (AWS and NACL: 0-65535; -1 only for protocol -1 and ICMP). */
const BAD_PORTS: readonly unknown[] = [-1, 65536, "70000", "99999-100000", NaN, Infinity, -0.5, 22.5, "ssh", "", true, {}, [22], 1e308, "constructor", "__proto__", "22; rm -rf /"];
/** Values no CIDR field may hold. */
const BAD_CIDRS: readonly unknown[] = ["999.1.1.1/33", "", "0.0.0.0/33", "10.0.0.0/8/8", "::/129", 42, true, {}, "constructor", " ", "1.2.3.4/-1"];
const BAD_PROTOCOLS: readonly unknown[] = ["tcpp", "constructor", "__proto__", 300, "", {}, true, -2];

function isStack(p: NetsegPolicy): p is NetsegStackPolicy {
  return "validateStack" in p;
}

/** Every rule of a pack over a stack: stack rules once, resource rules per resource of their types. */
async function runPack(rules: readonly NetsegPolicy[], stack: readonly Fixture[], config: Record<string, Record<string, unknown>> = {}): Promise<{ rule: string; out: Outcome; resource?: string }[]> {
  const outs: { rule: string; out: Outcome; resource?: string }[] = [];
  for (const p of rules) {
    if (isStack(p)) {
      outs.push({ rule: p.name, out: await runStack(p, stack, { config: config[p.name] }) });
      continue;
    }
    for (const f of stack) outs.push({ rule: p.name, out: await runResource(p as NetsegResourcePolicy, f, { config: config[p.name] }), resource: f.name });
  }
  return outs;
}

interface Point {
  /** The resource that holds the value, as the findings must name it. */
  readonly resource: string;
  readonly path: string;
  readonly values: readonly unknown[];
}

/**
 * For each point and value: no rule throws or lets an unknown escape, and some finding names the
 * resource and says the provider would reject the value. Then the point as an unknown: no throw.
 */
function hostileSuite(pack: string, rules: readonly NetsegPolicy[], base: () => Fixture[], points: readonly Point[]): void {
  describe(`${pack} pack`, function () {
    this.timeout(60_000);
    for (const pt of points) {
      it(`${pt.resource} ${pt.path}: ${pt.values.length} malformed values, then unknown`, async () => {
        for (const v of pt.values) {
          const stack = base();
          setIn(pt.resource, pt.path, v)(stack);
          const outs = await runPack(rules, stack);
          const shown = `${pt.resource}.${pt.path} = ${typeof v === "number" || typeof v === "string" ? JSON.stringify(v) : typeof v}`;
          for (const o of outs) assert.equal(o.out.unknownError, undefined, `${o.rule} let an unknown escape for ${shown}`);
          const messages = outs.flatMap((o) => o.out.violations.map((x) => x.message));
          assert.ok(
            messages.some((m) => m.includes(pt.resource) && /would reject/.test(m)),
            `no finding names ${pt.resource} and the malformed value for ${shown}; got:\n${messages.join("\n")}`,
          );
        }
        const stack = base();
        setIn(pt.resource, pt.path, U)(stack);
        for (const o of await runPack(rules, stack)) assert.equal(o.out.unknownError, undefined, `${o.rule} let an unknown escape`);
      });
    }
  });
}

const awsStack = (): Fixture[] => [...sgStack(), ...naclStack()];

describe("hostile resource properties / policy packs", () => {
  hostileSuite("AWS", awsRules, awsStack, [
    { resource: "web", path: "ingress.0.fromPort", values: BAD_PORTS },
    { resource: "web", path: "ingress.0.toPort", values: [...BAD_PORTS, 442] },
    { resource: "web", path: "egress.0.protocol", values: BAD_PROTOCOLS },
    { resource: "web", path: "ingress.0.cidrBlocks.0", values: BAD_CIDRS },
    { resource: "web", path: "ingress.0.cidrBlocks", values: ["0.0.0.0/0", 42, { a: "0.0.0.0/0" }] },
    { resource: "web", path: "ingress.1", values: [null, 42, "ingress", []] },
    { resource: "web", path: "ingress", values: ["all", 7, { protocol: "tcp" }] },
    { resource: "ssh-from-vpn", path: "fromPort", values: BAD_PORTS },
    { resource: "ssh-from-vpn", path: "protocol", values: BAD_PROTOCOLS },
    { resource: "ssh-from-vpn", path: "cidrBlocks.0", values: BAD_CIDRS },
    { resource: "public", path: "ingress.2.fromPort", values: BAD_PORTS },
    { resource: "public", path: "ingress.0.toPort", values: BAD_PORTS },
    { resource: "public", path: "ingress.2.protocol", values: BAD_PROTOCOLS },
    { resource: "public", path: "ingress.2.cidrBlock", values: BAD_CIDRS },
    { resource: "public", path: "ingress.0.ruleNo", values: [0, 32767, -1, NaN, 1.5, "first", {}] },
    { resource: "public", path: "ingress.0.action", values: ["permit", "ALLOW ", 1, {}, "constructor"] },
    { resource: "admin-from-vpn", path: "toPort", values: BAD_PORTS },
    { resource: "admin-from-vpn", path: "cidrBlock", values: BAD_CIDRS },
    { resource: "admin-from-vpn", path: "ruleNumber", values: [0, 40000, "x"] },
  ]);

  const FW = "gcp:compute/firewall:Firewall";
  const gcpStack = (): Fixture[] => [
    { type: "gcp:compute/network:Network", name: "net", props: { autoCreateSubnetworks: false } },
    { type: FW, name: "web-in", props: { network: U, direction: "INGRESS", priority: 1000, allows: [{ protocol: "tcp", ports: ["443"] }], sourceRanges: ["0.0.0.0/0"], targetTags: ["web"] }, propDeps: { network: ["net"] } },
    { type: FW, name: "app-out", props: { network: U, direction: "EGRESS", allows: [{ protocol: "tcp", ports: ["443"] }], destinationRanges: ["10.0.0.0/8"], targetTags: ["app"] }, propDeps: { network: ["net"] } },
  ];
  const GCP_PORTS = ["70000", "99999-100000", "100-50", "", "ssh", "22-", "-1", null, NaN, {}, [], true, "constructor"];
  hostileSuite("GCP", gcpRules, gcpStack, [
    { resource: "web-in", path: "allows.0.ports.0", values: GCP_PORTS },
    { resource: "app-out", path: "allows.0.ports.0", values: GCP_PORTS },
    { resource: "web-in", path: "allows.0.ports", values: ["22", 22, {}] },
    { resource: "web-in", path: "allows.0.protocol", values: BAD_PROTOCOLS.filter((p) => p !== 300) },
    { resource: "web-in", path: "sourceRanges.0", values: BAD_CIDRS },
    { resource: "app-out", path: "destinationRanges.0", values: BAD_CIDRS },
    { resource: "web-in", path: "priority", values: [-1, 65536, NaN, "high", {}] },
    { resource: "web-in", path: "direction", values: ["INBOUND", "ingress ", 1, {}] },
    { resource: "web-in", path: "allows", values: ["tcp", 22, { protocol: "tcp" }] },
  ]);

  // "constructor" would be a valid port name: lowercase letters, 15 at most.
  const K8S_PORTS = [0, -1, 65536, "70000", "99999-100000", NaN, "", "Not_A_Name", "a-very-long-port-name", "-http", true, {}, [80], "__proto__"];
  hostileSuite("Kubernetes", kubernetesRules, k8sStack, [
    { resource: "frontend-np", path: "spec.ingress.0.ports.0.port", values: K8S_PORTS },
    { resource: "frontend-np", path: "spec.egress.1.ports.0.port", values: K8S_PORTS },
    { resource: "frontend-np", path: "spec.ingress.0.ports.0.endPort", values: [80, 0, 70000, "x", NaN, {}] },
    { resource: "frontend-np", path: "spec.ingress.0.ports.0.protocol", values: ["ICMP", 6, "", {}, "constructor"] },
    { resource: "frontend-np", path: "spec.egress.1.to", values: BAD_CIDRS.map((cidr) => [{ ipBlock: { cidr } }]) },
    { resource: "frontend-np", path: "spec.egress.1.to.0", values: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["999.1.1.1/33"] } }, { ipBlock: { cidr: "10.0.0.0/8", except: "10.1.0.0/16" } }, { ipBlock: {} }] },
    { resource: "frontend-np", path: "spec.ingress.0.from.0.namespaceSelector", values: ["all", 1, { matchExpressions: [{ key: "team", operator: "Matches" }] }, { matchExpressions: [{ key: "team", operator: "In" }] }, { matchLabels: { team: 7 } }, { matchExpressions: "team" }] },
    { resource: "frontend-np", path: "spec.ingress.0.from", values: ["everyone", 1, { podSelector: {} }] },
    { resource: "frontend-np", path: "spec.ingress.0.ports", values: ["8080", 8080, { port: 8080 }] },
    { resource: "frontend-np", path: "spec.policyTypes.0", values: ["ingress", "Both", 1] },
  ]);
});

describe("hostile resource properties / huge lists", function () {
  this.timeout(120_000);

  it("a security group with 20,000 CIDRs and 300 distinct port rules, and a 300-entry NACL, judged in reasonable time", async () => {
    const stack = awsStack();
    const cidrs = Array.from({ length: 20_000 }, (_, i) => `${(i % 200) + 1}.${(i >> 8) & 255}.${i & 255}.0/24`);
    setIn("web", "ingress.0.cidrBlocks", cidrs)(stack);
    setIn("web", "ingress", [...stack[0].props.ingress, ...Array.from({ length: 300 }, (_, i) => ({ protocol: "tcp", fromPort: 1000 + i * 3, toPort: 1001 + i * 3, cidrBlocks: [i % 2 ? "0.0.0.0/1" : "128.0.0.0/1"], description: `r${i}` }))])(stack);
    setIn("public", "ingress", Array.from({ length: 300 }, (_, i) => ({ ruleNo: i + 1, action: i % 3 ? "allow" : "deny", protocol: "tcp", fromPort: i * 7, toPort: i * 7 + 5, cidrBlock: i % 2 ? "0.0.0.0/1" : "128.0.0.0/1" })))(stack);
    const started = Date.now();
    const outs = await runPack(awsRules, stack);
    const ms = Date.now() - started;
    for (const o of outs) assert.equal(o.out.unknownError, undefined);
    assert.ok(ms < 60_000, `took ${ms} ms`);
    // The 300 rules alternate halves on adjacent ports only: no port is open to both halves, so no admin-port finding is invented.
    assert.ok(outs.filter((o) => o.rule === "netseg-aws-sg-no-internet-admin-ports").every((o) => o.out.violations.length === 0));
  });

  it("a GCP port list of 20,000 entries and a NetworkPolicy with 5,000 ports", async () => {
    const gcp: Fixture[] = [{ type: "gcp:compute/firewall:Firewall", name: "many", props: { direction: "INGRESS", allows: [{ protocol: "tcp", ports: Array.from({ length: 20_000 }, (_, i) => String((i * 3) % 65536)) }], sourceRanges: ["0.0.0.0/0"] } }];
    for (const o of await runPack(gcpRules, gcp)) assert.equal(o.out.unknownError, undefined);
    const k8s = k8sStack();
    setIn("frontend-np", "spec.ingress.0.ports", Array.from({ length: 5_000 }, (_, i) => ({ protocol: "TCP", port: i + 1 })))(k8s);
    for (const o of await runPack(kubernetesRules, k8s)) assert.equal(o.out.unknownError, undefined);
  });
});

describe("hostile resource properties / reachability model builders", () => {
  const tcp443 = TrafficSet.of("tcp", 443, 443);

  for (const v of [-1, 65536, "70000", "99999-100000", NaN, "ssh", 443.5, {}]) {
    it(`AWS: the edge group's https rule with fromPort ${String(JSON.stringify(v) ?? v)} is a noted maybe, not a crash or a 'no'`, () => {
      const f = baseline();
      f.sg.edge.ingress[0] = { ...f.sg.edge.ingress[0], fromPort: v };
      const m = analyseReachability(awsResources(f));
      assert.ok(m.pair("internet", "aws:edge")?.possible.covers(tcp443), "internet -> edge on tcp/443 is still possible");
      assert.ok(m.notes.some((n) => n.includes(urnOf("aws:ec2/securityGroup:SecurityGroup", "sg-edge")) && n.includes("ingress[0]") && n.includes("fromPort")), m.notes.join("\n"));
    });
  }

  for (const v of [-1, 70000, "99999-100000", "x"]) {
    it(`AWS: a NACL entry with toPort ${JSON.stringify(v)} (the edge's https allow) is a noted maybe`, () => {
      const f = baseline();
      f.nacl.edge.ingress[0] = { ...f.nacl.edge.ingress[0], toPort: v as number };
      const m = analyseReachability(awsResources(f));
      assert.ok(m.pair("internet", "aws:edge")?.possible.covers(tcp443));
      assert.ok(m.notes.some((n) => n.includes("acl-edge") && n.includes("toPort")), m.notes.join("\n"));
    });
  }

  it("AWS: tcp -1/-1 and a reversed range never throw 'interval ... is reversed'", () => {
    for (const [from, to] of [[-1, -1], [70000, 70000], [443, 80], [NaN, NaN]]) {
      const f = baseline();
      f.sg.app.ingress[0] = { ...f.sg.app.ingress[0], fromPort: from, toPort: to };
      f.nacl.app.ingress[0] = { ...f.nacl.app.ingress[0], fromPort: from, toPort: to };
      assert.doesNotThrow(() => analyseReachability(awsResources(f)));
    }
  });

  for (const cidr of ["999.1.1.1/33", "0.0.0.0/33", "10.0.0.0/8/8", 42]) {
    it(`AWS: the edge group's https rule from CIDR ${JSON.stringify(cidr)} is a noted maybe for any address`, () => {
      const f = baseline();
      f.sg.edge.ingress[0] = { ...f.sg.edge.ingress[0], cidrBlocks: [cidr] };
      const m = analyseReachability(awsResources(f));
      assert.ok(m.pair("internet", "aws:edge")?.possible.covers(tcp443), "internet -> edge on tcp/443 is still possible");
      assert.ok(m.notes.some((n) => n.includes("sg-edge") && n.includes("ingress[0]") && n.includes(String(cidr))), m.notes.join("\n"));
    });
  }

  it("GCP: a malformed port in a firewall rule is a noted maybe", () => {
    const FW = "gcp:compute/firewall:Firewall";
    const rs: NetResource[] = [
      res("gcp:compute/network:Network", "net", { name: "n", autoCreateSubnetworks: false }),
      res("gcp:compute/subnetwork:Subnetwork", "sub-web", { network: "net-id", ipCidrRange: "10.1.0.0/24", description: "netseg zone web (netseg-zone=web)" }),
      res("gcp:compute/instanceTemplate:InstanceTemplate", "tpl-web", { labels: { "netseg-zone": "web" }, tags: ["web"] }),
      res(FW, "web-in", { network: "net-id", direction: "INGRESS", priority: 1000, allows: [{ protocol: "tcp", ports: ["99999-100000"] }], sourceRanges: ["0.0.0.0/0"], targetTags: ["web"] }),
    ];
    const m = analyseReachability(rs);
    assert.ok(m.notes.some((n) => n.includes(urnOf(FW, "web-in")) && n.includes('"99999-100000"')), m.notes.join("\n"));
  });

  it("GCP: an invalid source range is a noted maybe", () => {
    const FW = "gcp:compute/firewall:Firewall";
    const rs: NetResource[] = [
      res("gcp:compute/network:Network", "net", { name: "n", autoCreateSubnetworks: false }),
      res("gcp:compute/subnetwork:Subnetwork", "sub-web", { network: "net-id", ipCidrRange: "10.1.0.0/24", description: "netseg zone web (netseg-zone=web)" }),
      res("gcp:compute/instanceTemplate:InstanceTemplate", "tpl-web", { labels: { "netseg-zone": "web" }, tags: ["web"] }),
      res(FW, "web-in", { network: "net-id", direction: "INGRESS", priority: 1000, allows: [{ protocol: "tcp", ports: ["443"] }], sourceRanges: ["999.1.1.1/33"], targetTags: ["web"] }),
    ];
    const m = analyseReachability(rs);
    assert.ok(m.notes.some((n) => n.includes(urnOf(FW, "web-in")) && n.includes("sourceRanges") && n.includes("999.1.1.1/33")), m.notes.join("\n"));
    assert.ok(m.pair("internet", "gcp:web")?.possible.covers(tcp443), "internet -> web on tcp/443 is a maybe");
  });

  const k8sApi = (ingressPorts: unknown[], egress?: unknown) => [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "x" }] } } } },
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "x" }] } } } },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "api-in", namespace: "shop" },
      spec: { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: ingressPorts }], egress: egress ?? [] },
    },
  ];

  it("Kubernetes: the model notes each malformed port and ipBlock with its policy, field and value", () => {
    const rs = k8sObjectsToResources(k8sApi([{ protocol: "TCP", port: 70000 }], [{ to: [{ ipBlock: { cidr: "999.1.1.1/33" } }], ports: [{ protocol: "TCP", port: 443 }] }]));
    const notes = readK8s(new ResourceGraph(rs)).notes ?? [];
    const urn = rs.find((r) => r.type.endsWith("NetworkPolicy"))!.urn;
    assert.ok(notes.some((n) => n.startsWith(urn) && n.includes("ingress[0].ports[0]: port 70000")), notes.join("\n"));
    assert.ok(notes.some((n) => n.startsWith(urn) && n.includes('egress[0].to[0].ipBlock: cidr "999.1.1.1/33"')), notes.join("\n"));
  });

  for (const cidr of ["999.1.1.1/33", "", 42]) {
    it(`Kubernetes: an egress ipBlock ${JSON.stringify(cidr)} is a maybe for the internet, never a certain no`, () => {
      const m = analyseReachability(k8sObjectsToResources(k8sApi([{ protocol: "TCP", port: 8080 }], [{ to: [{ ipBlock: { cidr } }], ports: [{ protocol: "TCP", port: 443 }] }])));
      assert.ok(m.pair("shop/api", "internet")?.possible.covers(tcp443), `api -> internet on tcp/443 is a maybe, got ${m.pair("shop/api", "internet")?.possible}`);
      assert.ok(m.notes.some((n) => n.includes("api-in") && n.includes("egress[0].to[0].ipBlock")), m.notes.join("\n"));
    });
  }

  for (const port of [70000, -1, 0, "99999-100000", "Not_A_Name"]) {
    it(`Kubernetes: a NetworkPolicy port ${JSON.stringify(port)} is read as any port, a maybe, never as nothing`, () => {
      const objects = [
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
        { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "x" }] } } } },
        { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "x" }] } } } },
        { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "api-in", namespace: "shop" }, spec: { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: [{ protocol: "TCP", port }] }] } },
      ];
      const rs = k8sObjectsToResources(objects);
      const m = analyseReachability(rs);
      const pair = m.pair("shop/web", "shop/api");
      assert.ok(pair, "the pair is judged");
      assert.ok(pair.possible.covers(TrafficSet.of("tcp", 8080, 8080)), `web -> api on tcp/8080 is a maybe, got possible ${pair.possible}`);
    });
  }
});

describe("hostile resource properties / the conformance pack", function () {
  this.timeout(60_000);
  const INTENT = `
name: shop
addressSpace: 10.0.0.0/16
zones:
  - { name: edge, internet: inbound, egress: nat }
  - { name: app, egress: proxy }
  - { name: data, sensitive: true }
flows:
  - { from: internet, to: edge, ports: [tcp/443] }
  - { from: edge, to: app, ports: [tcp/8080] }
  - { from: app, to: data, ports: [tcp/5432] }
`;
  const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
  const fixtures = (rs: readonly NetResource[]): Fixture[] =>
    rs.map((r) => ({ type: r.type, name: r.name, props: structuredClone(r.props ?? {}), deps: (r.dependencies ?? []).map(nameOf), propDeps: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, us]) => [k, us.map(nameOf)])) }));

  for (const [from, to] of [[-1, -1], [70000, 70000], [443, 80], ["99999-100000", 5], [NaN, NaN]] as const) {
    it(`runs over an SG and a NACL entry with ports ${JSON.stringify(from)}/${JSON.stringify(to)} without throwing`, async () => {
      const f = baseline();
      f.sg.edge.ingress[0] = { ...f.sg.edge.ingress[0], fromPort: from, toPort: to };
      f.nacl.app.ingress[0] = { ...f.nacl.app.ingress[0], fromPort: from as number, toPort: to as number };
      for (const p of conformanceRules) {
        const out = await runStack(p as NetsegStackPolicy, fixtures(awsResources(f, { unknownIds: true })), { config: { intent: INTENT } });
        assert.equal(out.unknownError, undefined);
      }
    });
  }
});
