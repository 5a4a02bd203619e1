/**
 * The examples' matrices equal their intents exactly: each example program runs under the
 * preview's mock runtime (as `netseg preview` runs it), the recorded resources (inputs with
 * Pulumi's unknowns, dependencies) go to the engine, and the comparison with the intent finds
 * no unintended path, no accidental deny, nothing into a sensitive zone.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { runProgram } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import { loadIntentFile } from "../../../core/intent";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, compareWithIntent, explainReplies, type Matrix, type NetResource } from "../../../core/reachability";

const ROOT = path.resolve(__dirname, "../../..");

function certainTable(m: Matrix): string[] {
  return m.pairs.filter((p) => p.from !== p.to && !p.allowed.isEmpty()).map((p) => `${p.from} -> ${p.to}: ${p.allowed}`);
}

const EXAMPLES: { dir: string; intent: string; allowed: string[] }[] = [
  {
    dir: "aws-three-tier",
    intent: "examples/intents/shop.yaml",
    // office -> app (tcp/8443) needs a route this stack does not declare (VPN): possible, not
    // certain. office's block is public, so it reaches edge as any internet client does.
    allowed: ["aws:app -> aws:data: tcp/5432, tcp/6379", "aws:edge -> aws:app: tcp/8080", "internet -> aws:edge: tcp/80, tcp/443", "office -> aws:edge: tcp/80, tcp/443"],
  },
  {
    dir: "gcp-three-tier",
    intent: "examples/intents/shop.yaml",
    allowed: ["gcp:app -> gcp:data: tcp/5432, tcp/6379", "gcp:edge -> gcp:app: tcp/8080", "internet -> gcp:edge: tcp/80, tcp/443", "office -> gcp:app: tcp/8443", "office -> gcp:edge: tcp/80, tcp/443"],
  },
  {
    dir: "k8s-microservices",
    intent: "examples/k8s-microservices/intent.yaml",
    allowed: [
      "k8s:ingress-nginx/nginx-ingress -> k8s:microservices/frontend: tcp/8080",
      // Every pod of the namespace (the "other pods" endpoint included) may resolve names.
      "k8s:microservices -> k8s:kube-system/kube-dns: tcp/53, udp/53",
      "k8s:microservices/backend-api -> internet: tcp/443",
      "k8s:microservices/backend-api -> k8s:kube-system/kube-dns: tcp/53, udp/53",
      "k8s:microservices/backend-api -> k8s:microservices/postgres: tcp/5432",
      "k8s:microservices/backend-api -> k8s:microservices/redis: tcp/6379",
      "k8s:microservices/frontend -> k8s:kube-system/kube-dns: tcp/53, udp/53",
      "k8s:microservices/frontend -> k8s:microservices/backend-api: tcp/8081",
      "k8s:microservices/postgres -> k8s:kube-system/kube-dns: tcp/53, udp/53",
      "k8s:microservices/redis -> k8s:kube-system/kube-dns: tcp/53, udp/53",
    ],
  },
];

describe("reachability / the examples' matrices equal their intents", () => {
  for (const ex of EXAMPLES) {
    it(`examples/${ex.dir}`, async () => {
      const { resources } = await runProgram(loadProject(path.join(ROOT, "examples", ex.dir), "dev"));
      const intent = loadIntentFile(path.join(ROOT, ex.intent));
      const matrix = analyseReachability(resources, { intent });
      const report = compareWithIntent(matrix, intent);
      assert.deepEqual(
        { unintended: report.unintended.map((f) => f.message), accidentalDenies: report.accidentalDenies.map((f) => f.message), internetToSensitive: report.internetToSensitive.map((f) => f.message), dnsBlocked: report.dnsBlocked.map((f) => f.message), unresolved: report.unresolved },
        { unintended: [], accidentalDenies: [], internetToSensitive: [], dnsBlocked: [], unresolved: [] },
      );
      // Only pairs touching the intent's managed zones: unmanaged namespaces talk freely among themselves.
      const managed = new Set(intent.zones.filter((z) => z.managed).map((z) => z.name));
      const touches = (row: string) => [...managed].some((z) => row.includes(`:${z}`) && !row.includes(`:${z}-`));
      assert.deepEqual(certainTable(matrix).filter(touches), ex.allowed);
    });
  }
});

describe("reachability / netseg's default stack: one client port is enough for the replies", () => {
  const TCP_443 = TrafficSet.of("tcp", 443);
  const isAppNacl = (r: NetResource) => r.type === "aws:ec2/networkAcl:NetworkAcl" && r.name === "shop-app";
  let resources: NetResource[];
  before(async () => {
    ({ resources } = await runProgram(loadProject(ROOT)));
  });

  it("aws:app -> aws:edge tcp/443 is open although the app NACL denies the internet's tcp/3389 ahead of its ephemeral allow", () => {
    // shop-app inbound: rule 140 denies tcp/3389 from 0.0.0.0/0 (admin ports closed to the
    // internet), rule 150 allows tcp/1024-65535 from 0.0.0.0/0: replies from edge come back on
    // every client port but 3389. The app SG's tcp/443 to 0.0.0.0/0 (its egress allow-list)
    // and edge's tcp/443 from 0.0.0.0/0 do the rest: a real path the intent does not declare.
    const appNacl = resources.find(isAppNacl)!;
    assert.ok((appNacl.inputs!.ingress as { ruleNo: number; action: string; fromPort: number }[]).some((e) => e.action === "deny" && e.fromPort === 3389), "the fixture still denies tcp/3389 inbound");
    const matrix = analyseReachability(resources);
    const pair = matrix.pair("aws:app", "aws:edge")!;
    assert.equal(pair.allowed.toString(), "tcp/443");
    assert.deepEqual(explainReplies(pair, TCP_443), ["tcp replies pass on client ports 1024-3388, 3390-65535 only (of 1024-65535)"]);
    // A Linux client never picks 3389: its whole range works.
    assert.deepEqual(explainReplies(analyseReachability(resources, { ephemeralPorts: "linux" }).pair("aws:app", "aws:edge")!, TCP_443), []);
    // Held against the shop intent, that path is reported, with the ports its replies use.
    const intent = loadIntentFile(path.join(ROOT, "examples/intents/shop.yaml"));
    const unintended = compareWithIntent(matrix, intent, { platforms: ["aws"] }).unintended.filter((f) => f.from === "aws:app" && f.to === "aws:edge");
    assert.equal(unintended.length, 1);
    assert.match(unintended[0].message, /^aws:app -> aws:edge on tcp\/443 is allowed but not in the intent, by .*; tcp replies pass on client ports 1024-3388, 3390-65535 only \(of 1024-65535\)$/);
  });

  it("a single-port deny on the return path changes no pair of the stack", () => {
    const withoutDeny = resources.map((r) => {
      if (!isAppNacl(r)) return r;
      const ingress = (r.inputs!.ingress as { action: string; fromPort: number }[]).filter((e) => !(e.action === "deny" && e.fromPort === 3389));
      return { ...r, inputs: { ...r.inputs, ingress } };
    });
    const table = (m: Matrix) => m.pairs.map((p) => `${p.from} -> ${p.to}: ${p.allowed} | ${p.possible}`);
    assert.deepEqual(table(analyseReachability(resources)), table(analyseReachability(withoutDeny)));
  });
});
