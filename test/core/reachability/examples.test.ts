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
import { analyseReachability, compareWithIntent, type Matrix } from "../../../core/reachability";

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
