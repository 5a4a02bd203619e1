/**
 * Workload identity: a Kubernetes workload is an endpoint by kind, namespace and name, with its
 * own pod labels and named container ports, whatever other workloads carry.
 */
import assert from "node:assert/strict";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, k8sObjectsToResources, NETWORK_TYPES, type Matrix } from "../../../core/reachability";

const ns = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: {} } });
const podSpec = (ports: any[]) => ({ containers: [{ name: "c", image: "x", ports }] });
const templated = (apiVersion: string, kind: string, namespace: string, name: string, labels: Record<string, string>, ports: any[] = []) => ({
  apiVersion,
  kind,
  metadata: { name, namespace },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec(ports) } },
});
const deploy = (namespace: string, name: string, labels: Record<string, string>, ports: any[] = []) => templated("apps/v1", "Deployment", namespace, name, labels, ports);
const pod = (namespace: string, name: string, labels: Record<string, string> | undefined, ports: any[] = []) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace, ...(labels ? { labels } : {}) }, spec: podSpec(ports) });
const cron = (namespace: string, name: string, labels: Record<string, string>, ports: any[] = []) => ({
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name, namespace },
  spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { metadata: { labels }, spec: podSpec(ports) } } } },
});
/** Everything in `shop` isolated for ingress; the port named `http` open from anywhere in the namespace. */
const openHttp = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "http", namespace: "shop" }, spec: { podSelector: {}, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: "http" }] }] } };

const run = (objs: any[]): Matrix => analyseReachability(k8sObjectsToResources([ns("shop"), ...objs]));
const keys = (m: Matrix) => m.endpoints.filter((e) => e.platform === "k8s" && e.kind === "workload" && e.zone === "shop").map((e) => e.key).sort();

describe("reachability / Kubernetes workload identity", () => {
  it("a Deployment and a StatefulSet of one name are two endpoints, keyed by kind only where names collide", () => {
    const m = run([
      deploy("shop", "web", { app: "web" }, [{ name: "http", containerPort: 8080 }]),
      templated("apps/v1", "StatefulSet", "shop", "web", { app: "web-db" }, [{ name: "http", containerPort: 9000 }]),
      deploy("shop", "api", { app: "api" }),
      openHttp,
    ]);
    assert.deepEqual(keys(m), ["shop/Deployment/web", "shop/StatefulSet/web", "shop/api"]);
    assert.equal(m.pair("shop/api", "shop/Deployment/web")!.allowed.toString(), "tcp/8080");
    assert.equal(m.pair("shop/api", "shop/StatefulSet/web")!.allowed.toString(), "tcp/9000");
    const sts = m.endpoints.find((e) => e.key === "shop/StatefulSet/web")!;
    assert.equal(sts.workload, "web");
    assert.equal(sts.id, "k8s:shop/StatefulSet/web");
  });

  it("workloads with identical labels are separate endpoints, each resolving its own named ports", () => {
    const m = run([deploy("shop", "blue", { app: "web" }, [{ name: "http", containerPort: 8080 }]), deploy("shop", "green", { app: "web" }, [{ name: "http", containerPort: 8081 }]), deploy("shop", "client", { app: "client" }), openHttp]);
    assert.deepEqual(keys(m), ["shop/blue", "shop/client", "shop/green"]);
    assert.equal(m.pair("shop/client", "shop/blue")!.allowed.toString(), "tcp/8080");
    assert.equal(m.pair("shop/client", "shop/green")!.allowed.toString(), "tcp/8081");
  });

  it("reads CronJobs (jobTemplate), ReplicationControllers, ReplicaSets, Jobs and bare Pods with their named ports", () => {
    const m = run([
      cron("shop", "nightly", { app: "nightly" }, [{ name: "http", containerPort: 7001 }]),
      templated("v1", "ReplicationController", "shop", "legacy", { app: "legacy" }, [{ name: "http", containerPort: 7002 }]),
      templated("apps/v1", "ReplicaSet", "shop", "rs", { app: "rs" }, [{ name: "http", containerPort: 7003 }]),
      templated("batch/v1", "Job", "shop", "once", { app: "once" }, [{ name: "http", containerPort: 7004 }]),
      pod("shop", "bare", { app: "bare" }, [{ name: "http", containerPort: 7005 }]),
      deploy("shop", "client", { app: "client" }),
      openHttp,
    ]);
    assert.deepEqual(keys(m), ["shop/bare", "shop/client", "shop/legacy", "shop/nightly", "shop/once", "shop/rs"]);
    const got = ["nightly", "legacy", "rs", "once", "bare"].map((w) => m.pair("shop/client", `shop/${w}`)!.allowed.toString());
    assert.deepEqual(got, ["tcp/7001", "tcp/7002", "tcp/7003", "tcp/7004", "tcp/7005"]);
    assert.ok(NETWORK_TYPES.includes("kubernetes:batch/v1:CronJob") && NETWORK_TYPES.includes("kubernetes:core/v1:ReplicationController"));
  });

  it("a pod with no labels is its own endpoint and keeps its own named ports", () => {
    const m = run([pod("shop", "debug", undefined, [{ name: "http", containerPort: 6060 }]), deploy("shop", "client", { app: "client" }), openHttp]);
    assert.ok(keys(m).includes("shop/debug"));
    assert.equal(m.pair("shop/client", "shop/debug")!.allowed.toString(), "tcp/6060");
  });

  it("an object of an apiVersion the engine does not read is listed as not analysed, never dropped silently", () => {
    const m = run([
      templated("apps/v1beta1", "Deployment", "shop", "old", { app: "old" }),
      { apiVersion: "extensions/v1beta1", kind: "NetworkPolicy", metadata: { name: "old-np", namespace: "shop" }, spec: { podSelector: {} } },
      templated("argoproj.io/v1alpha1", "Rollout", "shop", "canary", { app: "canary" }),
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "shop" }, data: {} },
    ]);
    const notes = m.notes.join("\n");
    assert.match(notes, /Deployment of apiVersion apps\/v1beta1 is not analysed \(the engine reads Deployment only as apps\/v1\)/);
    assert.match(notes, /NetworkPolicy of apiVersion extensions\/v1beta1 is not analysed/);
    assert.match(notes, /Rollout of apiVersion argoproj\.io\/v1alpha1 is not analysed \(the engine does not read this kind\)/);
    assert.doesNotMatch(notes, /ConfigMap/);
  });

  it("a workload whose namespace cannot be told at preview is noted, not dropped silently", () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const m = run([deploy(unknown, "ghost", { app: "ghost" })]);
    assert.ok(m.notes.some((n) => /Deployment ghost is not analysed: its namespace is unknown at preview/.test(n)), m.notes.join("\n"));
  });

  it("SCTP container ports are named ports like TCP and UDP ones", () => {
    const m = run([deploy("shop", "sig", { app: "sig" }, [{ name: "http", containerPort: 3868, protocol: "SCTP" }]), deploy("shop", "client", { app: "client" }), openHttp]);
    // The policy's port `http` defaults to TCP: an SCTP port of that name does not match it.
    assert.equal(m.pair("shop/client", "shop/sig")!.allowed.toString(), "nothing");
    const sctp = run([
      deploy("shop", "sig", { app: "sig" }, [{ name: "diameter", containerPort: 3868, protocol: "SCTP" }]),
      deploy("shop", "client", { app: "client" }),
      { ...openHttp, spec: { podSelector: {}, ingress: [{ ports: [{ protocol: "SCTP", port: "diameter" }] }] } },
    ]);
    assert.ok(sctp.pair("shop/client", "shop/sig")!.allowed.covers(TrafficSet.fromSpecs([{ protocol: "sctp" as any, from: 3868, to: 3868 }])));
  });
});
