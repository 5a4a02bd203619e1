/**
 * Kubernetes truth tables, worked out by hand. Namespace `shop` runs web, api (container port
 * "http" = 8080) and db; `other` is a second namespace with no policies.
 *
 *   from \ to   | shop/web | shop/api  | shop/db  | internet
 *   shop/web    |          | tcp/8080  | -        | -
 *   shop/api    | -        |           | tcp/5432 | tcp/443
 *   shop/db     | -        | -         |          | -
 *   other       | -        | -         | -        | all
 *   internet    | -        | -         | -        |
 */
import assert from "node:assert/strict";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, explainBlocked, k8sObjectsToResources, type Matrix } from "../../../core/reachability";

const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
const deploy = (namespace: string, name: string, ports: any[] = []) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: "x", ports }] } } },
});
const np = (namespace: string, name: string, spec: any) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec });
const app = (a: string) => ({ matchLabels: { app: a } });

function shop(extra: any[] = []): any[] {
  return [
    ns("shop", { team: "shop" }),
    ns("other", { team: "x" }),
    deploy("shop", "web"),
    deploy("shop", "api", [{ name: "http", containerPort: 8080 }]),
    deploy("shop", "db"),
    np("shop", "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    np("shop", "api-ingress", { podSelector: app("api"), ingress: [{ from: [{ podSelector: app("web") }], ports: [{ port: "http" }] }] }),
    // No policyTypes: egress rules present, so it isolates web for Ingress and Egress.
    np("shop", "web-egress", { podSelector: app("web"), egress: [{ to: [{ podSelector: app("api") }], ports: [{ protocol: "TCP", port: 8080 }] }] }),
    np("shop", "db-ingress", {
      podSelector: app("db"),
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } }, podSelector: app("api") }], ports: [{ protocol: "TCP", port: 5432, endPort: 5440 }] }],
    }),
    np("shop", "api-egress", {
      podSelector: app("api"),
      policyTypes: ["Egress"],
      egress: [
        { to: [{ podSelector: app("db") }], ports: [{ port: 5432 }] },
        { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }], ports: [{ port: 443 }] },
      ],
    }),
    ...extra,
  ];
}

function table(m: Matrix, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of m.pairs) {
    const a = m.endpoints.find((e) => e.id === p.from)!.key;
    const b = m.endpoints.find((e) => e.id === p.to)!.key;
    if (a !== b && keys.includes(a) && keys.includes(b)) out[`${a} -> ${b}`] = p.allowed.toString();
  }
  return out;
}

const KEYS = ["shop/web", "shop/api", "shop/db", "other", "internet"];

describe("reachability / Kubernetes", () => {
  it("matches the hand-worked truth table", () => {
    const m = analyseReachability(k8sObjectsToResources(shop()));
    assert.deepEqual(table(m, KEYS), {
      "internet -> other": "all",
      "internet -> shop/api": "nothing",
      "internet -> shop/db": "nothing",
      "internet -> shop/web": "nothing",
      "other -> internet": "all",
      "other -> shop/api": "nothing",
      "other -> shop/db": "nothing",
      "other -> shop/web": "nothing",
      "shop/api -> internet": "tcp/443",
      "shop/api -> other": "nothing",
      "shop/api -> shop/db": "tcp/5432",
      "shop/api -> shop/web": "nothing",
      "shop/db -> internet": "nothing",
      "shop/db -> other": "nothing",
      "shop/db -> shop/api": "nothing",
      "shop/db -> shop/web": "nothing",
      "shop/web -> internet": "nothing",
      "shop/web -> other": "nothing",
      "shop/web -> shop/api": "tcp/8080",
      "shop/web -> shop/db": "nothing",
    });
  });

  it("needs both the source's egress and the target's ingress", () => {
    const m = analyseReachability(k8sObjectsToResources(shop()));
    // db-ingress admits api on 5432-5440, api-egress only opens 5432.
    assert.deepEqual(explainBlocked(m.pair("shop/api", "shop/db")!, TrafficSet.of("tcp", 5433)).map((b) => b.reason), [
      "no egress rule in NetworkPolicy default-deny, api-egress to shop/db on tcp/5433",
    ]);
  });

  it("defaults policyTypes: egress rules make a policy isolate egress too, ingress is always isolated", () => {
    const m = analyseReachability(k8sObjectsToResources(shop()));
    const blocks = explainBlocked(m.pair("shop/api", "shop/web")!, TrafficSet.of("tcp", 80));
    assert.deepEqual(blocks.map((b) => b.reason), [
      "no egress rule in NetworkPolicy default-deny, api-egress to shop/web on tcp/80",
      "no ingress rule in NetworkPolicy default-deny, web-egress from shop/api on tcp/80",
    ]);
  });

  it("egress default-deny blocks DNS, and a DNS rule with both selectors in one peer opens exactly kube-dns", () => {
    const before = analyseReachability(k8sObjectsToResources(shop()));
    const dns = TrafficSet.fromSpecs([{ protocol: "udp", from: 53, to: 53 }, { protocol: "tcp", from: 53, to: 53 }]);
    const pair = before.pair("shop/web", "kube-system/kube-dns")!;
    assert.equal(pair.allowed.toString(), "nothing");
    assert.deepEqual(explainBlocked(pair, dns).map((b) => b.reason), ["no egress rule in NetworkPolicy default-deny, web-egress to kube-system/kube-dns on tcp/53, udp/53"]);
    const allowDns = np("shop", "allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: "dns" }, { protocol: "TCP", port: "dns-tcp" }] }],
    });
    const after = analyseReachability(k8sObjectsToResources(shop([allowDns])));
    assert.equal(after.pair("shop/web", "kube-system/kube-dns")!.allowed.toString(), "tcp/53, udp/53");
    assert.equal(after.pair("shop/web", "kube-system")!.allowed.toString(), "nothing");
  });

  it("ORs separate peers and ANDs selectors inside one peer", () => {
    const peerRule = (peers: any[]) =>
      np("shop", "db-extra", { podSelector: app("db"), policyTypes: ["Ingress"], ingress: [{ from: peers, ports: [{ port: 5432 }] }] });
    const nsSel = { namespaceSelector: { matchLabels: { team: "x" } } };
    const podSel = { podSelector: app("web") };
    const separate = analyseReachability(k8sObjectsToResources(shop([peerRule([nsSel, podSel])])));
    const together = analyseReachability(k8sObjectsToResources(shop([peerRule([{ ...nsSel, ...podSel }])])));
    // Separate: any pod of `other` (team=x) and web of shop's own namespace.
    assert.equal(separate.pair("other", "shop/db")!.allowed.toString(), "tcp/5432");
    assert.equal(separate.pair("shop/web", "shop/db")!.paths[0].stages[1].lower.toString(), "tcp/5432");
    // Together: only pods labelled app=web in namespaces labelled team=x; none exist.
    assert.equal(together.pair("other", "shop/db")!.allowed.toString(), "nothing");
    assert.equal(together.pair("shop/web", "shop/db")!.paths[0].stages[1].lower.toString(), "nothing");
  });

  it("a namespace the stack does not declare has unknown labels: a label selector on it is only possible", () => {
    const rule = np("shop", "from-monitoring", { podSelector: app("db"), policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "monitoring" } } }] }] });
    const m = analyseReachability(k8sObjectsToResources(shop([rule, np("monitoring", "noop", { podSelector: app("nothing") })])));
    const p = m.pair("monitoring", "shop/db")!;
    assert.equal(p.allowed.toString(), "nothing");
    assert.equal(p.possible.toString(), "all");
  });

  it("resolves a named port from the target's containers; where they are unknown it is only possible", () => {
    const m = analyseReachability(k8sObjectsToResources(shop([
      np("shop", "db-named", { podSelector: app("db"), policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: app("api") }], ports: [{ port: "postgres" }] }] }),
    ])));
    const ingress = m.pair("shop/api", "shop/db")!.paths[0].stages[1];
    // db's container declares no port named "postgres": the named port resolves to nothing there.
    assert.equal(ingress.upper.toString(), "tcp/5432-5440");
    const open = analyseReachability(k8sObjectsToResources(shop([np("other", "named", { podSelector: {}, ingress: [{ ports: [{ port: "http" }] }] })])));
    const p = open.pair("internet", "other")!;
    assert.equal(p.allowed.toString(), "nothing");
    assert.equal(p.possible.toString(), "tcp");
  });

  it("finds a namespace unknown at preview through the policy's dependency on the Namespace", () => {
    const rs = k8sObjectsToResources(shop()).map((r) => {
      if (r.type !== "kubernetes:networking.k8s.io/v1:NetworkPolicy") return r;
      const props = structuredClone(r.props) as any;
      props.metadata.namespace = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      return { ...r, props, propertyDependencies: { metadata: ["urn:pulumi:stack::project::kubernetes:core/v1:Namespace::shop"] } };
    });
    assert.deepEqual(table(analyseReachability(rs), KEYS), table(analyseReachability(k8sObjectsToResources(shop())), KEYS));
  });

  it("ipBlock except carves addresses out", () => {
    const m = analyseReachability(k8sObjectsToResources(shop()), { peers: [{ name: "corp", cidrs: ["10.1.0.0/16"] }, { name: "partner", cidrs: ["198.51.100.0/24"] }] });
    assert.equal(m.pair("shop/api", "corp")!.allowed.toString(), "nothing");
    assert.equal(m.pair("shop/api", "partner")!.allowed.toString(), "tcp/443");
  });
});
