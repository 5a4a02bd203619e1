/**
 * Benchmark: `netseg preview` of a generated 5,000-resource stack (target < 15 s on 2 cores),
 * split into program (run under mocks, packs starting alongside), packs (remaining start-up,
 * analyze x 5,000 and analyzeStack over gRPC) and report (build + render every format).
 * Run standalone: `npx tsx bench/preview.ts` (writes bench/RESULTS-preview.md).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
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

export async function benchPreview(count = 5000): Promise<object> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-bench-preview-"));
  try {
    writeProgram(dir, count);
    // bench programs resolve @pulumi/* from this checkout
    fs.symlinkSync(path.resolve(__dirname, "..", "node_modules"), path.join(dir, "node_modules"), "dir");
    const pack = path.resolve(__dirname, "..", "test", "fixtures", "preview", "pack");
    const t0 = Date.now();
    // The reachability analysis is core/reachability's to benchmark; here: program, packs, report.
    const { report } = await runPreview({ programDir: dir, stack: "bench", policyPacks: [pack], analyses: [] });
    const tRender = Date.now();
    for (const f of ["text", "json", "markdown", "sarif"] as const) renderReport(report, f);
    const render = Date.now() - tRender;
    const timings = report.timingsMs!;
    return {
      resources: report.resources.managed,
      packs: report.packs.length,
      violations: report.summary.mandatory + report.summary.advisory,
      programMs: timings.program,
      packsMs: timings.packs,
      reportMs: timings.report + render,
      totalMs: Date.now() - t0,
      cpus: os.cpus().length,
      node: process.version,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchPreview().then((r) => {
    console.log(JSON.stringify(r, null, 2));
    const row = r as Record<string, number | string>;
    const md = `# netseg preview benchmark

Generated stack of ${row.resources} custom resources (VPCs, zone-tagged subnets and security groups),
checked by the fixture CrossGuard pack (4 policies: resource, configurable, stack, remediate) over gRPC.
Target: under 15 s on a 2-core machine. Measured with \`npx tsx bench/preview.ts\`.

| phase | ms |
|---|---:|
| program (run under mocks; packs start alongside) | ${row.programMs} |
| packs (remaining start-up, remediate + analyze per resource, analyzeStack) | ${row.packsMs} |
| report (build + render text, json, markdown, sarif) | ${row.reportMs} |
| **total** | **${row.totalMs}** |

Machine: ${row.cpus} CPUs, Node ${row.node}. Violations reported: ${row.violations}.
`;
    fs.writeFileSync(path.join(__dirname, "RESULTS-preview.md"), md);
  });
}
