/**
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy, worked out by hand from the API reference
 * (policy.networking.k8s.io/v1alpha1): per direction, AdminNetworkPolicies by priority (lower
 * first, rules in order, first match decides; Allow and Deny final, Pass hands over to
 * NetworkPolicies); NetworkPolicies decide when one isolates the pod; otherwise the
 * BaselineAdminNetworkPolicy's rules in order; otherwise allowed.
 *
 * Cluster: namespaces tenant-a {tenant: a}, tenant-b {tenant: b}, shared {tier: shared}.
 * Workloads: tenant-a/web (app=web), tenant-b/api (app=api, http=tcp/8080, metrics=tcp/9090),
 * tenant-b/worker (app=worker, http=tcp/8081), shared/db (app=db, pg=tcp/5432).
 */
import assert from "node:assert/strict";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, explainBlocked, explainCut, k8sObjectsToResources, NETWORK_TYPES, type Matrix } from "../../../core/reachability";
import { UNKNOWN_SENTINELS } from "../../../core/reachability/values";

const UNKNOWN_STRING = [...UNKNOWN_SENTINELS][2];
const UNKNOWN_NUMBER = [...UNKNOWN_SENTINELS][1];

const ns = (name: string, labels: Record<string, string>) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
const deploy = (namespace: string, name: string, ports: any[] = []) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: "x", ports }] } } },
});
const np = (namespace: string, name: string, spec: any) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec });
const anp = (name: string, priority: unknown, spec: any) => ({ apiVersion: "policy.networking.k8s.io/v1alpha1", kind: "AdminNetworkPolicy", metadata: { name }, spec: { priority, ...spec } });
const banp = (spec: any, name = "default") => ({ apiVersion: "policy.networking.k8s.io/v1alpha1", kind: "BaselineAdminNetworkPolicy", metadata: { name }, spec });
const tenant = (t: string) => ({ namespaces: { matchLabels: { tenant: t } } });
const allNs = { namespaces: {} };
const tcp = (port: number) => ({ portNumber: { protocol: "TCP", port } });

function cluster(...extra: any[]): any[] {
  return [
    ns("tenant-a", { tenant: "a" }),
    ns("tenant-b", { tenant: "b" }),
    ns("shared", { tier: "shared" }),
    deploy("tenant-a", "web"),
    deploy("tenant-b", "api", [{ name: "http", containerPort: 8080 }, { name: "metrics", containerPort: 9090 }]),
    deploy("tenant-b", "worker", [{ name: "http", containerPort: 8081 }]),
    deploy("shared", "db", [{ name: "pg", containerPort: 5432 }]),
    ...extra,
  ];
}

const run = (...extra: any[]): Matrix => analyseReachability(k8sObjectsToResources(cluster(...extra)));
const allowed = (m: Matrix, from: string, to: string) => m.pair(from, to)!.allowed.toString();
const possible = (m: Matrix, from: string, to: string) => m.pair(from, to)!.possible.toString();
const reasons = (m: Matrix, from: string, to: string, traffic = TrafficSet.ALL) => explainBlocked(m.pair(from, to)!, traffic).map((b) => b.reason);
const by = (m: Matrix, from: string, to: string) => m.pair(from, to)!.allowedBy.map((r) => `${r.resource} ${r.rule}`);

/** NetworkPolicy: tenant-b's api admits tenant-a on every port (and is isolated for ingress). */
const npAllowFromA = np("tenant-b", "api-from-a", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { tenant: "a" } } }] }] });
/** NetworkPolicy: tenant-b's api admits tenant-a on tcp/8080 only. */
const npAllow8080 = np("tenant-b", "api-8080", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { tenant: "a" } } }], ports: [{ port: 8080 }] }] });
const npDenyAll = np("tenant-b", "deny-all", { podSelector: {}, policyTypes: ["Ingress"] });

describe("reachability / Kubernetes AdminNetworkPolicy and BaselineAdminNetworkPolicy", () => {
  it("types: the engine asks for both kinds as the Pulumi Kubernetes provider names them", () => {
    assert.ok(NETWORK_TYPES.includes("kubernetes:policy.networking.k8s.io/v1alpha1:AdminNetworkPolicy"));
    assert.ok(NETWORK_TYPES.includes("kubernetes:policy.networking.k8s.io/v1alpha1:BaselineAdminNetworkPolicy"));
  });

  it("an ANP Deny wins over a NetworkPolicy allow, and the explanation names the ANP rule and priority", () => {
    const guard = anp("tenant-guard", 10, { subject: tenant("b"), ingress: [{ name: "deny-cross", action: "Deny", from: [tenant("a")] }] });
    assert.equal(allowed(run(npAllowFromA), "tenant-a/web", "tenant-b/api"), "all");
    const m = run(npAllowFromA, guard);
    assert.equal(possible(m, "tenant-a/web", "tenant-b/api"), "nothing");
    assert.deepEqual(reasons(m, "tenant-a/web", "tenant-b/api"), ["AdminNetworkPolicy tenant-guard rule deny-cross (priority 10) denies all"]);
    // Traffic the ANP does not match (from shared) is still the NetworkPolicy's to decide: denied by its isolation.
    assert.equal(possible(m, "shared/db", "tenant-b/api"), "nothing");
    assert.match(reasons(m, "shared/db", "tenant-b/api")[0], /no ingress rule in NetworkPolicy api-from-a/);
  });

  it("an ANP Allow wins over a NetworkPolicy default deny, on its ports only", () => {
    const open = anp("open-api", 5, { subject: { pods: { namespaceSelector: { matchLabels: { tenant: "b" } }, podSelector: { matchLabels: { app: "api" } } } }, ingress: [{ name: "a-8080", action: "Allow", from: [tenant("a")], ports: [tcp(8080)] }] });
    const m = run(npDenyAll, open);
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), "tcp/8080");
    assert.ok(by(m, "tenant-a/web", "tenant-b/api").includes("AdminNetworkPolicy open-api rule a-8080 (priority 5)"));
    // The subject is api only: the worker stays closed by the NetworkPolicy.
    assert.equal(possible(m, "tenant-a/web", "tenant-b/worker"), "nothing");
  });

  it("priority order: the lower number decides, whatever the declaration order", () => {
    const allow = (p: number) => anp("allow-a", p, { subject: tenant("b"), ingress: [{ name: "allow", action: "Allow", from: [tenant("a")] }] });
    const deny = (p: number) => anp("deny-a", p, { subject: tenant("b"), ingress: [{ name: "deny", action: "Deny", from: [tenant("a")] }] });
    assert.equal(allowed(run(allow(20), deny(10)), "tenant-a/web", "tenant-b/api"), "nothing");
    assert.equal(allowed(run(deny(20), allow(10), npDenyAll), "tenant-a/web", "tenant-b/api"), "all");
    assert.deepEqual(reasons(run(allow(20), deny(10)), "tenant-a/web", "tenant-b/api"), ["AdminNetworkPolicy deny-a rule deny (priority 10) denies all"]);
  });

  it("rules of one ANP apply in order: the first match decides", () => {
    const m = run(anp("ordered", 1, { subject: tenant("b"), ingress: [{ name: "web", action: "Allow", from: [tenant("a")], ports: [tcp(8080)] }, { name: "rest", action: "Deny", from: [allNs] }] }), npAllowFromA);
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), "tcp/8080");
    assert.deepEqual(reasons(m, "tenant-a/web", "tenant-b/api", TrafficSet.of("tcp", 443)), ["AdminNetworkPolicy ordered rule rest (priority 1) denies tcp/443"]);
  });

  it("Pass skips the remaining ANPs and hands over to the NetworkPolicy that isolates the pod", () => {
    const pass = anp("pass-a", 1, { subject: tenant("b"), ingress: [{ name: "to-owners", action: "Pass", from: [tenant("a")] }] });
    const deny = anp("deny-a", 2, { subject: tenant("b"), ingress: [{ name: "deny", action: "Deny", from: [tenant("a")] }] });
    const m = run(pass, deny, npAllow8080);
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), "tcp/8080");
    // Both the Pass that handed it over and the NetworkPolicy rule that allowed it are named.
    assert.deepEqual(by(m, "tenant-a/web", "tenant-b/api").filter((r) => !r.includes("not isolated")).sort(), ["AdminNetworkPolicy pass-a rule to-owners (priority 1)", "api-8080 ingress[0]"]);
    assert.match(reasons(m, "tenant-a/web", "tenant-b/api", TrafficSet.of("tcp", 443))[0], /no ingress rule in NetworkPolicy api-8080/);
    // The worker is not isolated by any NetworkPolicy: after Pass, no baseline, so allowed.
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/worker"), "all");
    // Without the Pass, the lower-priority Deny decides.
    assert.equal(possible(run(deny, npAllow8080), "tenant-a/web", "tenant-b/api"), "nothing");
  });

  it("Pass with no NetworkPolicy goes to the baseline, whose Deny decides", () => {
    const pass = anp("pass-a", 1, { subject: tenant("b"), ingress: [{ name: "to-owners", action: "Pass", from: [tenant("a")] }] });
    const base = banp({ subject: allNs, ingress: [{ name: "no-cross-tenant", action: "Deny", from: [tenant("a")] }] });
    const m = run(pass, base);
    assert.equal(possible(m, "tenant-a/web", "tenant-b/api"), "nothing");
    assert.deepEqual(reasons(m, "tenant-a/web", "tenant-b/api"), ["BaselineAdminNetworkPolicy default rule no-cross-tenant denies all"]);
  });

  it("the baseline sits under NetworkPolicies: a pod a NetworkPolicy isolates is decided by it alone", () => {
    const base = banp({ subject: allNs, ingress: [{ name: "deny-a", action: "Deny", from: [tenant("a")] }] });
    const m = run(base, npAllow8080);
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), "tcp/8080");
    // The worker is not isolated: the baseline denies.
    assert.equal(possible(m, "tenant-a/web", "tenant-b/worker"), "nothing");
  });

  it("the baseline's rules apply in order when no NetworkPolicy isolates the pod; unmatched traffic is allowed", () => {
    const base = banp({ subject: tenant("b"), ingress: [{ name: "metrics", action: "Allow", from: [tenant("a")], ports: [{ namedPort: "metrics" }] }, { name: "deny-a", action: "Deny", from: [tenant("a")] }] });
    const m = run(base);
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), "tcp/9090");
    assert.equal(possible(m, "tenant-a/web", "tenant-b/worker"), "nothing"); // the worker has no port named metrics
    assert.equal(allowed(m, "shared/db", "tenant-b/api"), "all");
    assert.equal(allowed(m, "tenant-b/api", "tenant-a/web"), "all"); // subject is tenant-b only
  });

  it("a BaselineAdminNetworkPolicy not named default is rejected by the API server: noted, not analysed", () => {
    const m = run(banp({ subject: allNs, ingress: [{ action: "Deny", from: [allNs] }] }, "strict"));
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), "all");
    assert.ok(m.notes.some((n) => /BaselineAdminNetworkPolicy strict is not analysed/.test(n)));
  });

  it("peers by pods: only the selected pods of the selected namespaces", () => {
    const m = run(anp("web-only", 3, { subject: { namespaces: { matchLabels: { tier: "shared" } } }, ingress: [{ name: "deny-web", action: "Deny", from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: "web" } } } }] }] }));
    assert.equal(possible(m, "tenant-a/web", "shared/db"), "nothing");
    assert.equal(allowed(m, "tenant-b/api", "shared/db"), "all");
  });

  it("egress: an ANP Deny stops the source even where the destination admits it", () => {
    const m = run(anp("no-egress-to-b", 7, { subject: tenant("a"), egress: [{ name: "deny-b", action: "Deny", to: [tenant("b")], ports: [{ portRange: { protocol: "TCP", start: 8000, end: 8100 } }] }] }));
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), TrafficSet.ALL.subtract(TrafficSet.of("tcp", 8000, 8100)).toString());
    assert.deepEqual(reasons(m, "tenant-a/web", "tenant-b/api", TrafficSet.of("tcp", 8080)), ["AdminNetworkPolicy no-egress-to-b rule deny-b (priority 7) denies tcp/8080"]);
  });

  it("egress named ports resolve on the destination pod", () => {
    const m = run(anp("http-only", 7, { subject: tenant("a"), egress: [{ name: "http", action: "Allow", to: [tenant("b")], ports: [{ namedPort: "http" }] }, { name: "rest", action: "Deny", to: [tenant("b")] }] }));
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), "tcp/8080");
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/worker"), "tcp/8081");
  });

  it("networks peers match externals by CIDR, cutting the internet where they cut it", () => {
    const m = run(anp("no-bad-range", 1, { subject: allNs, egress: [{ name: "deny-range", action: "Deny", to: [{ networks: ["203.0.113.0/24"] }] }] }));
    const pair = m.pair("tenant-a/web", "internet")!;
    const cut = explainCut(pair, TrafficSet.of("tcp", 443));
    assert.ok(cut.passes.some((p) => /all but 203\.0\.113\.0\/24/.test(p)), cut.passes.join("; "));
    assert.ok(cut.blocks.some((b) => /AdminNetworkPolicy no-bad-range rule deny-range \(priority 1\) denies tcp\/443 \(.*203\.0\.113\.0\/24/.test(b.reason)), cut.blocks.map((b) => b.reason).join("; "));
    // Pod addresses are not modelled: a networks peer short of every address only "may" hold a pod.
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), "nothing");
    assert.equal(possible(m, "tenant-a/web", "tenant-b/api"), "all");
  });

  it("a networks peer of every address holds pods too (cluster traffic is checked against it)", () => {
    const m = run(anp("egress-lockdown", 1, { subject: tenant("a"), egress: [{ name: "dns", action: "Allow", to: [allNs], ports: [{ portNumber: { protocol: "UDP", port: 53 } }] }, { name: "deny-all", action: "Deny", to: [{ networks: ["0.0.0.0/0", "::/0"] }] }] }));
    assert.equal(possible(m, "tenant-a/web", "internet"), "nothing");
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), "udp/53");
    assert.equal(possible(m, "tenant-a/web", "tenant-b/api"), "udp/53");
  });

  it("ANPs never touch traffic from the internet: no ingress peer matches it", () => {
    const m = run(anp("deny-ingress", 1, { subject: allNs, ingress: [{ action: "Deny", from: [allNs] }] }));
    assert.equal(allowed(m, "internet", "tenant-b/api"), "all");
    assert.equal(possible(m, "tenant-a/web", "tenant-b/api"), "nothing");
  });

  it("two ANPs of one priority that disagree: a 'maybe', and a note naming both", () => {
    const allow = anp("allow-a", 10, { subject: tenant("b"), ingress: [{ name: "allow", action: "Allow", from: [tenant("a")] }] });
    const deny = anp("deny-a", 10, { subject: tenant("b"), ingress: [{ name: "deny", action: "Deny", from: [tenant("a")], ports: [tcp(8080)] }] });
    const m = run(allow, deny);
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), TrafficSet.ALL.subtract(TrafficSet.of("tcp", 8080)).toString());
    assert.equal(possible(m, "tenant-a/web", "tenant-b/api"), "all");
    const note = m.notes.find((n) => /share priority 10/.test(n));
    assert.ok(note && note.includes("AdminNetworkPolicy allow-a") && note.includes("AdminNetworkPolicy deny-a"), m.notes.join("\n"));
    // Agreeing policies of one priority give a certain answer and no note.
    const both = run(allow, anp("allow-too", 10, { subject: tenant("b"), ingress: [{ action: "Allow", from: [tenant("a")] }] }), npDenyAll);
    assert.equal(allowed(both, "tenant-a/web", "tenant-b/api"), "all");
    assert.ok(!both.notes.some((n) => /share priority/.test(n)));
  });

  it("ANPs of one priority are tried in every order (up to five matching one pair), past that every tied rule only 'may' decide", () => {
    const deny = (i: number) => anp(`deny-${i}`, 10, { subject: tenant("b"), ingress: [{ action: "Deny", from: [tenant("a")], ports: [tcp(8080 + i)] }] });
    const allowAll = anp("allow-a", 10, { subject: tenant("b"), ingress: [{ action: "Allow", from: [tenant("a")] }] });
    const five = run(...[0, 1, 2, 3].map(deny), allowAll, npDenyAll);
    // Every order allows what no Deny names; each Deny's port is allowed in the orders where allow-a comes first.
    assert.equal(allowed(five, "tenant-a/web", "tenant-b/api"), TrafficSet.ALL.subtract(TrafficSet.of("tcp", 8080, 8083)).toString());
    assert.equal(possible(five, "tenant-a/web", "tenant-b/api"), "all");
    assert.equal(five.notes.filter((n) => /share priority 10/.test(n)).length, 4);
    const six = run(...[0, 1, 2, 3, 4].map(deny), allowAll, npDenyAll);
    assert.equal(allowed(six, "tenant-a/web", "tenant-b/api"), "nothing");
    assert.equal(possible(six, "tenant-a/web", "tenant-b/api"), "all");
  });

  it("unknowns at preview: unknown priority, action or peers make 'maybe', never a crash or a certain deny", () => {
    const unknownPriority = anp("later", UNKNOWN_NUMBER, { subject: tenant("b"), ingress: [{ name: "deny", action: "Deny", from: [tenant("a")] }] });
    const allow = anp("allow-a", 10, { subject: tenant("b"), ingress: [{ name: "allow", action: "Allow", from: [tenant("a")] }] });
    let m = run(unknownPriority, allow, npDenyAll);
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), "nothing");
    assert.equal(possible(m, "tenant-a/web", "tenant-b/api"), "all");
    m = run(anp("what", 1, { subject: tenant("b"), ingress: [{ name: "x", action: UNKNOWN_STRING, from: [tenant("a")] }] }), npDenyAll);
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), "nothing");
    assert.equal(possible(m, "tenant-a/web", "tenant-b/api"), "all");
    m = run(anp("who", 1, { subject: tenant("b"), ingress: [{ name: "x", action: "Deny", from: [{ namespaces: { matchLabels: { tenant: UNKNOWN_STRING } } }] }] }));
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), "nothing");
    assert.equal(possible(m, "tenant-a/web", "tenant-b/api"), "all");
    m = run({ apiVersion: "policy.networking.k8s.io/v1alpha1", kind: "AdminNetworkPolicy", metadata: { name: "opaque" }, spec: UNKNOWN_STRING });
    assert.equal(possible(m, "tenant-a/web", "tenant-b/api"), "all");
  });

  it("a priority the API server rejects is noted and read as any priority", () => {
    const m = run(anp("too-big", 5000, { subject: tenant("b"), ingress: [{ name: "deny", action: "Deny", from: [tenant("a")] }] }));
    assert.ok(m.notes.some((n) => /too-big: spec\.priority 5000 is not a whole number from 0 to 1000/.test(n)), m.notes.join("\n"));
    assert.equal(possible(m, "tenant-a/web", "tenant-b/api"), "all");
  });

  it("a peer with no known field fails closed: a Deny denies everything, an Allow matches nothing by it", () => {
    let m = run(anp("odd", 1, { subject: tenant("b"), ingress: [{ name: "x", action: "Deny", from: [{ sameLabels: ["tenant"] }] }] }));
    assert.equal(possible(m, "shared/db", "tenant-b/api"), "nothing");
    assert.ok(m.notes.some((n) => /AdminNetworkPolicy odd: ingress\[0\] has 1 peer with no field the engine knows/.test(n)));
    m = run(anp("odd", 1, { subject: tenant("b"), ingress: [{ name: "x", action: "Allow", from: [{ sameLabels: ["tenant"] }] }] }), npDenyAll);
    assert.equal(possible(m, "shared/db", "tenant-b/api"), "nothing");
  });

  it("nodes peers are counted in the notes, matching no modelled endpoint", () => {
    const m = run(anp("no-nodes", 1, { subject: allNs, egress: [{ name: "deny-nodes", action: "Deny", to: [{ nodes: { matchLabels: { "node-role.kubernetes.io/control-plane": "" } } }] }] }));
    assert.ok(m.notes.some((n) => /AdminNetworkPolicy no-nodes: egress\[0\] has 1 nodes peer not analysed/.test(n)), m.notes.join("\n"));
    assert.equal(allowed(m, "tenant-a/web", "tenant-b/api"), "all");
  });
});
