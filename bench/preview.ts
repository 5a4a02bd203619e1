/**
 * Benchmark: `netseg preview` of a generated 5,000-resource stack (target < 15 s on 2 cores),
 * split into program (run under mocks, packs starting alongside), packs (remaining start-up,
 * analyze x 5,000 and analyzeStack over gRPC), the reachability analysis and report (build +
 * render every format).
 * Run standalone: `npx tsx bench/preview.ts` (writes bench/RESULTS-preview.md).
 */
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AnalysisProvider } from "../cli/preview/analysis";
import { reachabilityAnalysis } from "../cli/preview/reachability";
import { renderReport } from "../cli/preview/report";
import { runPreview } from "../cli/preview/run";

const ZONES = ["edge", "app", "data", "mgmt"];

/** A program that registers `count` custom resources: VPCs, subnets and security groups per zone. */
function writeProgram(dir: string, count: number): void {
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bench\nruntime: nodejs\nmain: index.js\n");
  fs.writeFileSync(path.join(dir, "Pulumi.bench.yaml"), "config:\n  aws:region: eu-west-1\n");
  fs.writeFileSync(
    path.join(dir, "index.js"),
    `const aws = require("@pulumi/aws");
const zones = ${JSON.stringify(ZONES)};
let n = 0;
for (let v = 0; n < ${count}; v++) {
  const vpc = new aws.ec2.Vpc("vpc-" + v, { cidrBlock: "10." + (v % 250) + ".0.0/16" }); n++;
  for (const zone of zones) {
    for (let s = 0; s < 3 && n < ${count}; s++) {
      new aws.ec2.Subnet(zone + "-" + v + "-" + s, { vpcId: vpc.id, cidrBlock: "10." + (v % 250) + "." + (zones.indexOf(zone) * 3 + s) + ".0/24", tags: { "netseg:zone": zone } }); n++;
    }
    if (n >= ${count}) break;
    new aws.ec2.SecurityGroup(zone + "-sg-" + v, { vpcId: vpc.id, description: zone, tags: { "netseg:zone": zone },
      ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"], description: "tls" }] }); n++;
  }
}
`,
  );
}

/** netseg's own four packs (the real workload), or the 4-policy fixture pack (isolates the driver). */
export type BenchPacks = "netseg" | "fixture";

function packDirs(which: BenchPacks): string[] {
  const root = path.resolve(__dirname, "..");
  if (which === "fixture") return [path.join(root, "test", "fixtures", "preview", "pack")];
  return ["aws", "gcp", "kubernetes", "conformance"].map((p) => path.join(root, "policy-packs", p));
}

export async function benchPreview(count = 5000, withReachability = true, packs: BenchPacks = "netseg"): Promise<object> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-bench-preview-"));
  try {
    writeProgram(dir, count);
    // bench programs resolve @pulumi/* from this checkout
    fs.symlinkSync(path.resolve(__dirname, "..", "node_modules"), path.join(dir, "node_modules"), "dir");
    // The reachability analysis runs as in the CLI but timed on its own, without the preview's
    // network-resource limit (the limit exists because of what this measures).
    let analysisMs = 0;
    let analysisSummary = "";
    const timedReachability: AnalysisProvider = async (resources, ctx) => {
      const before = process.env.NETSEG_REACHABILITY_LIMIT;
      process.env.NETSEG_REACHABILITY_LIMIT = String(Number.MAX_SAFE_INTEGER);
      const t = Date.now();
      try {
        const section = await reachabilityAnalysis(resources, ctx);
        analysisSummary = section.summary ?? "";
        return section;
      } finally {
        analysisMs = Date.now() - t;
        if (before === undefined) delete process.env.NETSEG_REACHABILITY_LIMIT;
        else process.env.NETSEG_REACHABILITY_LIMIT = before;
      }
    };
    const t0 = Date.now();
    const { report } = await runPreview({ programDir: dir, stack: "bench", policyPacks: packDirs(packs), analyses: withReachability ? [timedReachability] : [] });
    const tRender = Date.now();
    for (const f of ["text", "json", "markdown", "sarif"] as const) renderReport(report, f);
    const render = Date.now() - tRender;
    const timings = report.timingsMs!;
    return {
      resources: report.resources.managed,
      packs: report.packs.length,
      policies: report.packs.reduce((n, p) => n + p.policies.length, 0),
      violations: report.summary.mandatory + report.summary.advisory,
      programMs: timings.program,
      packsMs: timings.packs,
      reportMs: timings.report - analysisMs + render,
      analysisMs,
      analysisSummary,
      totalMs: Date.now() - t0,
      cpus: os.cpus().length,
      node: process.version,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The reachability analysis alone at `count` resources, in a child with a time and memory budget. */
function reachabilityAt(count: number, budgetMs: number): Promise<{ count: number; ms?: number; failed?: string }> {
  return new Promise((resolve) => {
    const child = fork(__filename, ["--reachability-only", String(count)], {
      execArgv: ["--require", require.resolve("tsx/cjs"), "--max-old-space-size=3072"],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), budgetMs);
    child.on("message", (m: { analysisMs: number }) => resolve({ count, ms: m.analysisMs }));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const why = signal === "SIGKILL" ? `did not finish within ${budgetMs / 1000} s` : /heap out of memory/.test(stderr) ? "ran out of memory (3 GB heap)" : `exited ${code ?? signal}`;
      resolve({ count, failed: why });
    });
  });
}

if (require.main === module && process.argv[2] === "--reachability-only") {
  benchPreview(Number(process.argv[3]), true, "fixture").then((r) => {
    process.send!({ analysisMs: (r as { analysisMs: number }).analysisMs }, () => process.exit(0));
  });
} else if (require.main === module) {
  (async () => {
    const r = (await benchPreview(5000, false)) as Record<string, number | string>;
    console.log(JSON.stringify(r, null, 2));
    // Where the reachability engine stops keeping up with this stack's shape (many VPCs of zone-tagged subnets).
    const scaling: { count: number; ms?: number; failed?: string }[] = [];
    for (const count of [250, 500, 1000, 2000, 5000]) {
      const point = await reachabilityAt(count, 90_000);
      console.log(JSON.stringify(point));
      scaling.push(point);
      if (point.failed) break;
    }
    const md = `# netseg preview benchmark

Generated stack of ${r.resources} custom resources (VPCs, zone-tagged subnets and security groups),
checked by netseg's own four CrossGuard packs (aws, gcp, kubernetes, conformance: ${r.policies} policies) over gRPC.
Target: under 15 s on a 2-core machine. Measured with \`npx tsx bench/preview.ts\`.

| phase | ms |
|---|---:|
| program (run under mocks; packs start and analyze its resources alongside) | ${r.programMs} |
| packs (the analyze calls left when the program ends, then analyzeStack) | ${r.packsMs} |
| report (build + render text, json, markdown, sarif) | ${r.reportMs} |
| **total** | **${r.totalMs}** |

The reachability analysis is left out of that run (\`analyses: []\`) and measured alone on the same
kind of stack at growing sizes, each in a child process with a 90 s and 3 GB budget:

| resources | reachability analysis |
|---:|---|
${scaling.map((p) => `| ${p.count} | ${p.ms !== undefined ? `${p.ms} ms` : p.failed} |`).join("\n")}

Machine: ${r.cpus} CPUs, Node ${r.node}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")} (1/5/15 min) when the run ended.
Violations reported: ${r.violations}.
`;
    // Hand-written notes (from "## Notes" on) survive a rerun.
    const file = path.join(__dirname, "RESULTS-preview.md");
    const previous = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const notes = previous.indexOf("\n## Notes");
    fs.writeFileSync(file, notes >= 0 ? `${md}${previous.slice(notes)}` : md);
  })();
}
