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
import { analyseReachability, compareWithIntent, explainBlocked, explainReplies, type Matrix, type NetResource } from "../../../core/reachability";

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
    // As on AWS: the network's default routes are deleted and its one route to the internet is
    // tagged for edge, so office -> app (tcp/8443) needs a route this stack does not declare
    // (VPN, a Cloud Router's dynamic routes): possible, not certain.
    allowed: ["gcp:app -> gcp:data: tcp/5432, tcp/6379", "gcp:edge -> gcp:app: tcp/8080", "internet -> gcp:edge: tcp/80, tcp/443", "office -> gcp:edge: tcp/80, tcp/443"],
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

  it("aws:app -> office tcp/443 is open although the app NACL denies the internet's tcp/3389 ahead of its ephemeral allow", () => {
    // shop-app inbound: a deny of tcp/3389 from 0.0.0.0/0 (admin ports closed to the internet)
    // ahead of the allow of tcp/1024-65535 from 0.0.0.0/0: replies come back on every client port
    // but 3389. app's tcp/443 allow-list egress reaches office (a public /24) as it reaches the
    // internet; the engine used to call that path closed.
    const appNacl = resources.find(isAppNacl)!;
    assert.ok((appNacl.inputs!.ingress as { action: string; fromPort: number }[]).some((e) => e.action === "deny" && e.fromPort === 3389), "the stack still denies tcp/3389 inbound");
    // office is the shop intent's peer: the intent makes it an endpoint.
    const intent = loadIntentFile(path.join(ROOT, "examples/intents/shop.yaml"));
    const pair = analyseReachability(resources, { intent }).pair("aws:app", "office")!;
    assert.equal(pair.allowed.toString(), "tcp/443");
    assert.deepEqual(explainReplies(pair, TCP_443), ["tcp replies pass on client ports 1024-3388, 3390-65535 only (of 1024-65535)"]);
    // A Linux client never picks 3389: its whole range works.
    assert.deepEqual(explainReplies(analyseReachability(resources, { intent, ephemeralPorts: "linux" }).pair("aws:app", "office")!, TCP_443), []);
  });

  it("aws:app -> aws:edge tcp/443 is closed by what closes it, not by the tcp/3389 return deny", () => {
    // The example: the return deny alone used to close it. The stack now closes it for
    // real (app's SG egress and NACL outbound leave the VPC's own ranges out); the explanation
    // names those and no return traffic.
    const reasons = explainBlocked(analyseReachability(resources).pair("aws:app", "aws:edge")!, TCP_443).map((b) => b.reason);
    assert.ok(reasons.length > 0);
    assert.deepEqual(reasons.filter((r) => /return traffic|client port/.test(r)), []);
  });

  it("a single-port deny on the return path changes no pair of the stack", () => {
    const withoutDeny = resources.map((r) => {
      if (!isAppNacl(r)) return r;
      const ingress = (r.inputs!.ingress as { action: string; fromPort: number }[]).filter((e) => !(e.action === "deny" && e.fromPort === 3389));
      return { ...r, inputs: { ...r.inputs, ingress } };
    });
    // With the intent, its peer office is an endpoint: the pair the deny sits in front of.
    const intent = loadIntentFile(path.join(ROOT, "examples/intents/shop.yaml"));
    const table = (m: Matrix) => m.pairs.map((p) => `${p.from} -> ${p.to}: ${p.allowed} | ${p.possible}`);
    const before = table(analyseReachability(resources, { intent }));
    assert.ok(before.includes("aws:app -> office: tcp/443 | tcp/443"));
    assert.deepEqual(before, table(analyseReachability(withoutDeny, { intent })));
  });
});
