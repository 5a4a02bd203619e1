/**
 * CiliumNetworkPolicy read with Cilium's semantics, worked out by hand from the Cilium policy
 * documentation (docs.cilium.io, "Policy Enforcement Modes", "Layer 3/4 Policies", "Deny
 * Policies", "Using Kubernetes Constructs In Policy"). Namespace `shop` runs web, api (container
 * port "http" = 8080) and db; namespace `other` runs a pod labelled app=web too, so namespace
 * confinement shows. Peers: corp 10.9.0.0/16 (private) and vendor 203.0.113.0/24 (public).
 */
import assert from "node:assert/strict";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, explainBlocked, k8sObjectsToResources, type Matrix } from "../../../core/reachability";

const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
const deploy = (namespace: string, name: string, app: string, ports: any[] = []) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace },
  spec: { selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name, image: "x", ports }] } } },
});
const cnp = (namespace: string, name: string, spec: any) => ({ apiVersion: "cilium.io/v2", kind: "CiliumNetworkPolicy", metadata: { name, namespace }, spec });
const np = (namespace: string, name: string, spec: any) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec });
const app = (a: string) => ({ matchLabels: { app: a } });
const PEERS = [
  { name: "corp", cidrs: ["10.9.0.0/16"] },
  { name: "vendor", cidrs: ["203.0.113.0/24"] },
];

function cluster(...policies: any[]): Matrix {
  const objects = [
    ns("shop", { team: "shop" }),
    ns("other", { team: "x" }),
    deploy("shop", "web", "web"),
    deploy("shop", "api", "api", [{ name: "http", containerPort: 8080 }]),
    deploy("shop", "db", "db"),
    deploy("other", "web", "web"),
    ...policies,
  ];
  return analyseReachability(k8sObjectsToResources(objects), { peers: PEERS });
}

const allowed = (m: Matrix, from: string, to: string) => m.pair(from, to)!.allowed.toString();
const possible = (m: Matrix, from: string, to: string) => m.pair(from, to)!.possible.toString();
/** The policy rules behind a pair (not the implied "not isolated" passes). */
const rulesOf = (m: Matrix, from: string, to: string) => m.pair(from, to)!.allowedBy.filter((r) => r.urn).map((r) => `${r.resource} ${r.rule}`);
const tcp = (p: number) => TrafficSet.of("tcp", p);

describe("reachability / CiliumNetworkPolicy", () => {
  it("endpointSelector selects pods of the policy's namespace; fromEndpoints without a namespace label stays in it", () => {
    const m = cluster(cnp("shop", "api-in", { endpointSelector: app("api"), ingress: [{ fromEndpoints: [{ matchLabels: { "k8s:app": "web" } }], toPorts: [{ ports: [{ port: "8080", protocol: "TCP" }] }] }] }));
    assert.equal(allowed(m, "shop/web", "shop/api"), "tcp/8080");
    assert.equal(allowed(m, "other/web", "shop/api"), "nothing", "a pod labelled app=web in another namespace is not admitted");
    assert.equal(allowed(m, "shop/db", "shop/api"), "nothing");
    assert.equal(allowed(m, "internet", "shop/api"), "nothing");
    // The policy selects only api: db stays open.
    assert.equal(allowed(m, "other/web", "shop/db"), "all");
    assert.deepEqual(rulesOf(m, "shop/web", "shop/api"), ["api-in ingress[0]"]);
  });

  it("toEndpoints with k8s:io.kubernetes.pod.namespace reaches into that namespace only", () => {
    const m = cluster(
      cnp("other", "web-out", {
        endpointSelector: { matchLabels: { app: "web" } },
        egress: [{ toEndpoints: [{ matchLabels: { "k8s:io.kubernetes.pod.namespace": "shop", "k8s:app": "db" } }], toPorts: [{ ports: [{ port: "5432", protocol: "TCP" }] }] }],
      }),
    );
    assert.equal(allowed(m, "other/web", "shop/db"), "tcp/5432");
    assert.equal(allowed(m, "other/web", "shop/api"), "nothing");
    assert.equal(allowed(m, "other/web", "internet"), "nothing", "egress is isolated");
    assert.equal(allowed(m, "shop/web", "shop/db"), "all", "shop/web is not selected by a policy of namespace other");
  });

  it("an empty endpoint selector in toEndpoints is every pod of the policy's namespace, not of the cluster", () => {
    const m = cluster(cnp("shop", "same-ns", { endpointSelector: {}, egress: [{ toEndpoints: [{}] }] }));
    assert.equal(allowed(m, "shop/web", "shop/db"), "all");
    assert.equal(allowed(m, "shop/web", "other/web"), "nothing");
    assert.equal(allowed(m, "shop/web", "internet"), "nothing");
  });

  it("toEntities world is the internet and the peers outside the cluster, never a pod", () => {
    const m = cluster(cnp("shop", "web-world", { endpointSelector: app("web"), egress: [{ toEntities: ["world"], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] }] }));
    assert.equal(allowed(m, "shop/web", "internet"), "tcp/443");
    assert.equal(allowed(m, "shop/web", "vendor"), "tcp/443");
    assert.equal(allowed(m, "shop/web", "corp"), "tcp/443", "world includes private addresses outside the cluster");
    assert.equal(allowed(m, "shop/web", "shop/api"), "nothing");
  });

  it("toEntities cluster is every pod of every namespace and nothing outside", () => {
    const m = cluster(cnp("shop", "web-cluster", { endpointSelector: app("web"), egress: [{ toEntities: ["cluster"] }] }));
    assert.equal(allowed(m, "shop/web", "other/web"), "all");
    assert.equal(allowed(m, "shop/web", "shop/db"), "all");
    assert.equal(allowed(m, "shop/web", "internet"), "nothing");
  });

  it("toCIDRSet keeps its except ranges out", () => {
    const m = cluster(cnp("shop", "web-cidr", { endpointSelector: app("web"), egress: [{ toCIDRSet: [{ cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] }], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] }] }));
    assert.equal(allowed(m, "shop/web", "vendor"), "tcp/443");
    assert.equal(allowed(m, "shop/web", "internet"), "tcp/443");
    assert.equal(allowed(m, "shop/web", "corp"), "nothing", "10.9.0.0/16 lies in the except");
    assert.equal(allowed(m, "shop/web", "shop/db"), "nothing", "CIDR rules never match pods");
  });

  it("toFQDNs opens the internet to the names only, and says so on the path", () => {
    const m = cluster(
      cnp("shop", "api-fqdn", {
        endpointSelector: app("api"),
        egress: [
          { toEndpoints: [{ matchLabels: { "k8s:io.kubernetes.pod.namespace": "kube-system", "k8s:k8s-app": "kube-dns" } }], toPorts: [{ ports: [{ port: "53", protocol: "ANY" }], rules: { dns: [{ matchPattern: "*" }] } }] },
          { toFQDNs: [{ matchName: "api.stripe.com" }, { matchPattern: "*.amazonaws.com" }], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] },
        ],
      }),
    );
    assert.equal(allowed(m, "shop/api", "internet"), "tcp/443");
    const [rule] = rulesOf(m, "shop/api", "internet");
    assert.equal(rule, "api-fqdn egress[1] (toFQDNs: to api.stripe.com:443, *.amazonaws.com:443 only (addresses learned from DNS answers))");
    // The DNS rule's L4 part is allowed (any protocol on 53), and its L7 restriction is named.
    const dns = m.pair("shop/api", "kube-system/kube-dns")!;
    assert.ok(TrafficSet.fromSpecs([{ protocol: "udp", from: 53, to: 53 }, { protocol: "tcp", from: 53, to: 53 }]).subtract(dns.allowed).isEmpty());
    assert.match(rulesOf(m, "shop/api", "kube-system/kube-dns")[0], /egress\[0\] \(L7 dns: lookups of \*: only matching requests pass on any\/53\)/);
    assert.equal(allowed(m, "shop/api", "shop/db"), "nothing");
  });

  it("egressDeny wins over an allow of the same traffic, and the block names it", () => {
    const m = cluster(
      cnp("shop", "web-out", { endpointSelector: app("web"), egress: [{ toEntities: ["all"] }], egressDeny: [{ toEntities: ["world"], toPorts: [{ ports: [{ port: "22", protocol: "TCP" }] }] }] }),
    );
    assert.ok(!m.pair("shop/web", "internet")!.allowed.intersect(tcp(443)).isEmpty());
    assert.ok(m.pair("shop/web", "internet")!.possible.intersect(tcp(22)).isEmpty(), "tcp/22 to the world is denied");
    assert.ok(!m.pair("shop/web", "shop/db")!.allowed.intersect(tcp(22)).isEmpty(), "the deny names the world only");
    assert.deepEqual(explainBlocked(m.pair("shop/web", "internet")!, tcp(22)).map((b) => b.reason), ["web-out egressDeny[0] denies tcp/22"]);
  });

  it("a deny in a CNP wins over a NetworkPolicy's allow", () => {
    const m = cluster(
      np("shop", "db-in", { podSelector: app("db"), ingress: [{ from: [{ podSelector: app("api") }, { podSelector: app("web") }], ports: [{ protocol: "TCP", port: 5432 }] }] }),
      cnp("shop", "db-deny", { endpointSelector: app("db"), ingressDeny: [{ fromEndpoints: [app("web")] }] }),
    );
    assert.equal(allowed(m, "shop/api", "shop/db"), "tcp/5432");
    assert.equal(allowed(m, "shop/web", "shop/db"), "nothing");
  });

  it("a CNP and a NetworkPolicy selecting the same pod add up", () => {
    const m = cluster(
      np("shop", "db-from-api", { podSelector: app("db"), ingress: [{ from: [{ podSelector: app("api") }], ports: [{ protocol: "TCP", port: 5432 }] }] }),
      cnp("shop", "db-from-web", { endpointSelector: app("db"), ingress: [{ fromEndpoints: [app("web")], toPorts: [{ ports: [{ port: "6432", protocol: "TCP" }] }] }] }),
    );
    assert.equal(allowed(m, "shop/api", "shop/db"), "tcp/5432");
    assert.equal(allowed(m, "shop/web", "shop/db"), "tcp/6432");
    assert.equal(allowed(m, "other/web", "shop/db"), "nothing");
  });

  it("a rule with ports and no L3 selector admits every peer on them; an empty rule admits nothing but isolates", () => {
    const m = cluster(
      cnp("shop", "web-l4", { endpointSelector: app("web"), egress: [{ toPorts: [{ ports: [{ port: "53", protocol: "UDP" }] }] }] }),
      cnp("shop", "db-closed", { endpointSelector: app("db"), ingress: [{}] }),
    );
    assert.equal(allowed(m, "shop/web", "internet"), "udp/53");
    assert.equal(allowed(m, "shop/web", "other/web"), "udp/53");
    assert.equal(allowed(m, "shop/api", "shop/db"), "nothing");
    assert.equal(allowed(m, "shop/db", "internet"), "all", "db's egress is not isolated");
  });

  it("named ports resolve on the destination pod; a missing protocol is any protocol", () => {
    const m = cluster(cnp("shop", "api-in", { endpointSelector: app("api"), ingress: [{ fromEndpoints: [app("web")], toPorts: [{ ports: [{ port: "http" }] }] }] }));
    assert.equal(allowed(m, "shop/web", "shop/api"), "tcp/8080");
    const n = cluster(cnp("shop", "api-in", { endpointSelector: app("api"), ingress: [{ fromEndpoints: [app("web")], toPorts: [{ ports: [{ port: "9000", endPort: 9010 }] }] }] }));
    const t = n.pair("shop/web", "shop/api")!.allowed;
    assert.ok(TrafficSet.fromSpecs([{ protocol: "tcp", from: 9000, to: 9010 }, { protocol: "udp", from: 9000, to: 9010 }]).subtract(t).isEmpty());
    assert.ok(t.intersect(tcp(8080)).isEmpty());
  });

  it("an L7 http rule allows its L4 part and names the restriction", () => {
    const m = cluster(cnp("shop", "api-http", { endpointSelector: app("api"), ingress: [{ fromEndpoints: [app("web")], toPorts: [{ ports: [{ port: "8080", protocol: "TCP" }], rules: { http: [{ method: "GET", path: "/api/.*" }] } }] }] }));
    assert.equal(allowed(m, "shop/web", "shop/api"), "tcp/8080");
    assert.deepEqual(rulesOf(m, "shop/web", "shop/api"), ["api-http ingress[0] (L7 http: only matching requests pass on tcp/8080)"]);
  });

  it("notes what it cannot analyse and reads it as a maybe, never as a deny", () => {
    const m = cluster(cnp("shop", "web-svc", { endpointSelector: app("web"), egress: [{ toServices: [{ k8sService: { serviceName: "api", namespace: "shop" } }], toPorts: [{ ports: [{ port: "8080", protocol: "TCP" }] }] }] }));
    assert.ok(m.notes.some((n) => /web-svc.*not analysed: egress\[0\] toServices/.test(n)), m.notes.join("\n"));
    assert.equal(allowed(m, "shop/web", "shop/api"), "nothing");
    assert.equal(possible(m, "shop/web", "shop/api"), "all", "toServices may reach api: a maybe");
    assert.equal(possible(m, "shop/web", "internet"), "all");
  });

  it("notes entities that are no endpoint here, and reads kube-apiserver as a maybe towards outside addresses", () => {
    const m = cluster(cnp("shop", "web-api", { endpointSelector: app("web"), egress: [{ toEntities: ["kube-apiserver", "host"], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] }] }));
    assert.equal(allowed(m, "shop/web", "internet"), "nothing");
    assert.equal(possible(m, "shop/web", "internet"), "tcp/443");
    assert.equal(possible(m, "shop/web", "shop/api"), "nothing");
  });

  it("reads a CiliumClusterwideNetworkPolicy in every namespace its selector matches (the Cilium docs' default deny)", () => {
    const ccnp = {
      apiVersion: "cilium.io/v2",
      kind: "CiliumClusterwideNetworkPolicy",
      metadata: { name: "default-deny" },
      spec: {
        endpointSelector: { matchExpressions: [{ key: "io.kubernetes.pod.namespace", operator: "NotIn", values: ["kube-system"] }] },
        egress: [{ toEndpoints: [{ matchLabels: { "io.kubernetes.pod.namespace": "kube-system", "k8s-app": "kube-dns" } }], toPorts: [{ ports: [{ port: "53", protocol: "UDP" }], rules: { dns: [{ matchPattern: "*" }] } }] }],
      },
    };
    const m = cluster(ccnp);
    for (const from of ["shop/web", "other/web"]) {
      assert.equal(allowed(m, from, "kube-system/kube-dns"), "udp/53");
      assert.equal(allowed(m, from, "internet"), "nothing");
      assert.equal(allowed(m, from, "shop/db"), "nothing");
    }
    assert.equal(allowed(m, "kube-system/kube-dns", "internet"), "all", "kube-system is not selected");
  });

  it("a policy whose endpointSelector names another namespace selects nothing, and says so", () => {
    const m = cluster(cnp("shop", "elsewhere", { endpointSelector: { matchLabels: { "k8s:io.kubernetes.pod.namespace": "other" } }, egress: [{}] }));
    assert.equal(allowed(m, "other/web", "internet"), "all");
    assert.ok(m.notes.some((n) => /another namespace/.test(n)));
  });
  it("reads an empty selector list as absent, as Cilium does: ports alone then admit every peer", () => {
    const m = cluster(cnp("shop", "web-l4", { endpointSelector: app("web"), egress: [{ toEndpoints: [], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] }] }));
    assert.equal(allowed(m, "shop/web", "internet"), "tcp/443");
    assert.equal(allowed(m, "shop/web", "shop/db"), "tcp/443");
  });

  it("reads toRequires, enableDefaultDeny: false, an unknown spec and a malformed CIDR as maybes, each noted", () => {
    const requires = cluster(cnp("shop", "web-req", { endpointSelector: app("web"), egress: [{ toEndpoints: [app("api")], toRequires: [{ matchLabels: { env: "prod" } }] }] }));
    assert.equal(allowed(requires, "shop/web", "shop/api"), "nothing");
    assert.equal(possible(requires, "shop/web", "shop/api"), "all");
    assert.ok(requires.notes.some((n) => /toRequires/.test(n)));

    const soft = cluster(cnp("shop", "web-soft", { endpointSelector: app("web"), enableDefaultDeny: { egress: false }, egress: [{ toEndpoints: [app("api")] }] }));
    // Allows that do not isolate cannot be told apart from allows that do: every path of web is a maybe.
    assert.equal(allowed(soft, "shop/web", "shop/db"), "nothing");
    assert.equal(possible(soft, "shop/web", "shop/db"), "all");
    assert.equal(possible(soft, "shop/web", "shop/api"), "all");
    assert.ok(soft.notes.some((n) => /enableDefaultDeny\.egress is false/.test(n)));

    const unknown = cluster(cnp("shop", "later", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"));
    assert.equal(allowed(unknown, "shop/web", "shop/api"), "nothing");
    assert.equal(possible(unknown, "shop/web", "shop/api"), "all");

    const bad = cluster(cnp("shop", "web-bad", { endpointSelector: app("web"), egress: [{ toCIDRSet: [{ cidr: "10.0.0.0/33" }] }] }));
    assert.equal(allowed(bad, "shop/web", "vendor"), "nothing");
    assert.equal(possible(bad, "shop/web", "vendor"), "all");
    assert.equal(possible(bad, "shop/web", "shop/db"), "nothing", "a CIDR never matches a pod");
    assert.ok(bad.notes.some((n) => /10\.0\.0\.0\/33.*not a valid CIDR/.test(n)), bad.notes.join("\n"));
  });

  it("reads every rule of `specs`", () => {
    const m = cluster({
      apiVersion: "cilium.io/v2",
      kind: "CiliumNetworkPolicy",
      metadata: { name: "two", namespace: "shop" },
      specs: [
        { endpointSelector: app("api"), ingress: [{ fromEndpoints: [app("web")], toPorts: [{ ports: [{ port: "8080", protocol: "TCP" }] }] }] },
        { endpointSelector: app("db"), ingress: [{ fromEndpoints: [app("api")], toPorts: [{ ports: [{ port: "5432", protocol: "TCP" }] }] }] },
      ],
    });
    assert.equal(allowed(m, "shop/web", "shop/api"), "tcp/8080");
    assert.equal(allowed(m, "shop/api", "shop/db"), "tcp/5432");
    assert.equal(allowed(m, "shop/web", "shop/db"), "nothing");
    assert.deepEqual(rulesOf(m, "shop/api", "shop/db"), ["two specs[1].ingress[0]"]);
  });
});
