/**
 * Benchmark (issue 17): what the whole offline preview costs beside the SDK alone. One generated
 * 5,000-resource program (VPCs, subnets, security groups), measured in turns, interleaved so that
 * the machine's changing load falls on both alike:
 * - `sdk`: the SDK's bare registration of the program under its own mock runtime (`setMocks` with
 *   the inputs as state; no netseg code, stack capture as shipped), in a process of its own;
 * - `netseg`: `netseg preview` of the same program with the four default packs, as a user runs it:
 *   the compiled package (dist/, built first by this bench unless `--no-build`), its program child
 *   and pack processes. (bin/netseg.js in a checkout runs the TypeScript sources through tsx, which
 *   costs the start-up of every process; an installed package never does.)
 * Each turn runs under GNU time: wall, and CPU of the whole process tree (user + system).
 * `npx tsx bench/preview-cost.ts [--rounds 3] [--resources 5000]` writes bench/RESULTS-preview-cost.md.
 */
import { execSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A Pulumi program registering `count` AWS resources: per VPC, per tier, two subnets and a security group. */
export function writeProgram(dir: string, count: number): void {
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: cost\nruntime: nodejs\nmain: index.js\n");
  fs.writeFileSync(path.join(dir, "Pulumi.bench.yaml"), "config:\n  aws:region: us-east-1\n");
  const body = `const aws = require(${JSON.stringify(require.resolve("@pulumi/aws"))});
const tiers = ["web", "app", "db"];
let left = ${count};
for (let v = 0; left > 0; v++) {
  const net = "10." + (v % 200) + ".";
  const vpc = new aws.ec2.Vpc("net-" + v, { cidrBlock: net + "0.0/16" }); left--;
  tiers.forEach((tier, t) => {
    for (let s = 0; s < 2 && left > 0; s++, left--) new aws.ec2.Subnet(tier + "-" + v + "-" + s, { vpcId: vpc.id, cidrBlock: net + (t * 2 + s) + ".0/24", tags: { "netseg:zone": tier } });
    if (left-- > 0) new aws.ec2.SecurityGroup(tier + "-" + v, { vpcId: vpc.id, description: tier, tags: { "netseg:zone": tier }, ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"], description: "https inside" }] });
  });
}
`;
  fs.writeFileSync(path.join(dir, "index.js"), body);
  // The SDK alone: its mock runtime, the program, and the wait for every registration to finish.
  fs.writeFileSync(
    path.join(dir, "sdk-only.js"),
    `const pulumi = require(${JSON.stringify(require.resolve("@pulumi/pulumi"))});
pulumi.runtime.setAllConfig({ "aws:region": "us-east-1" });
pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name + "-id", state: a.inputs }), call: (a) => a.inputs }, "cost", "bench", true);
require("./index.js");
pulumi.runtime.waitForRPCs().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
`,
  );
}

interface Turn {
  readonly kind: "sdk" | "netseg";
  readonly wallS: number;
  readonly cpuS: number;
  readonly maxRssMB: number;
  readonly exit: number | null;
}

function timed(kind: Turn["kind"], argv: string[]): Turn {
  const r = spawnSync("/usr/bin/time", ["-f", "cost-wall=%e cost-user=%U cost-sys=%S cost-rss=%M", process.execPath, ...argv], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
  const m = /cost-wall=([\d.]+) cost-user=([\d.]+) cost-sys=([\d.]+) cost-rss=(\d+)/.exec(r.stderr);
  if (!m) throw new Error(`${kind} turn printed no timing (exit ${r.status}): ${r.stderr.slice(-600)}`);
  // netseg preview exits 1 when the packs report violations: that is a finished preview.
  if (r.status !== 0 && !(kind === "netseg" && r.status === 1)) throw new Error(`${kind} turn failed (exit ${r.status}): ${r.stderr.slice(-600)}`);
  return { kind, wallS: Number(m[1]), cpuS: Math.round((Number(m[2]) + Number(m[3])) * 10) / 10, maxRssMB: Math.round(Number(m[4]) / 1024), exit: r.status };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (require.main === module) {
  const rounds = arg("--rounds", 3);
  const count = arg("--resources", 5000);
  if (!process.argv.includes("--no-build")) execSync("npm run build", { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const cli = `require(${JSON.stringify(path.join(ROOT, "dist", "cli", "main.js"))}).runCli(process.argv)`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-cost-"));
  try {
    writeProgram(dir, count);
    const load = os.loadavg().map((l) => l.toFixed(1)).join(" / ");
    const turns: Turn[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first, so neither always meets the same moment of the load.
      const order: Turn["kind"][] = i % 2 === 0 ? ["sdk", "netseg"] : ["netseg", "sdk"];
      for (const kind of order) {
        const t = kind === "sdk" ? timed(kind, [path.join(dir, "sdk-only.js")]) : timed(kind, ["-e", cli, "netseg", "preview", dir, "--stack", "bench", "--format", "json"]);
        turns.push(t);
        process.stderr.write(`${kind}: ${t.wallS} s wall, ${t.cpuS} s CPU, ${t.maxRssMB} MB\n`);
      }
    }
    const of = (k: Turn["kind"]) => turns.filter((t) => t.kind === k);
    const ratio = (f: (t: Turn) => number) => Math.round((median(of("netseg").map(f)) / median(of("sdk").map(f))) * 100) / 100;
    const text = [
      "# Benchmark: the offline preview's cost beside the SDK alone",
      "",
      `\`npx tsx bench/preview-cost.ts\`: a generated ${count}-resource program, ${rounds} interleaved rounds (the first of each`,
      "pair alternates). `sdk` is the SDK's bare registration under its own mocks; `netseg` is `netseg preview` with the",
      "four default packs. CPU is the whole process tree's (user + system), from GNU time; max RSS that of its largest process.",
      "",
      "| turn | kind | wall s | CPU s | max RSS MB |",
      "|---|---|---|---|---|",
      ...turns.map((t, i) => `| ${i + 1} | ${t.kind} | ${t.wallS} | ${t.cpuS} | ${t.maxRssMB} |`),
      "",
      `Medians: netseg / sdk = ${ratio((t) => t.wallS)}x wall, ${ratio((t) => t.cpuS)}x CPU. Load average at the start: ${load} (1 / 5 / 15 min), ${os.cpus().length} CPUs, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
      "",
    ].join("\n");
    fs.writeFileSync(path.join(__dirname, "RESULTS-preview-cost.md"), text);
    process.stdout.write(text);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
