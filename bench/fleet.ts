/**
 * Benchmark: examples/tenant-fleet (1,000 tenants, ten shards of 100, a transit stack) previewed
 * offline, every stack, as `netseg fleet preview --cross-check 20` does: transit first, then the
 * shards in parallel up to the cores, each program in its own child process with netseg's four
 * policy packs on it, then tenant isolation across the fleet (the TGW pre-check, the engine on
 * the pairs it leaves open and on 20 cleared ones). `--no-packs` leaves the packs out. Targets
 * (issue 17): under 60 s on 2 cores, under 1.5 GB peak per process.
 *
 * `npx tsx bench/fleet.ts` re-runs itself under GNU time, whose maximum resident set size is that
 * of the largest single process of the tree (Linux wait4 rusage), i.e. the peak per process, and
 * writes bench/RESULTS-fleet.md. `--inner` runs the fleet once and prints JSON.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { previewFleetOffline } from "../cli/fleet/offline";

const EXAMPLE = path.resolve(__dirname, "../examples/tenant-fleet");

export async function benchFleet(parallelism = os.cpus().length, packs = !process.argv.includes("--no-packs")): Promise<Record<string, unknown>> {
  const load = os.loadavg().map((l) => Math.round(l * 10) / 10);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await previewFleetOffline({ programDir: EXAMPLE, parallelism, packs, crossCheck: 20 });
  const wallMs = Math.round(performance.now() - t0);
  if (r.failures.length) throw new Error(`fleet bench: ${r.failures.map((f) => `${f.stack}: ${f.error}`).join("; ")}`);
  const cpu = process.cpuUsage(cpu0);
  return {
    stacks: r.stacks.length,
    resources: r.stacks.reduce((n, s) => n + s.resources.length, 0),
    tenants: r.stacks.reduce((n, s) => n + s.resources.filter((x) => x.type === "aws:ec2/vpc:Vpc").length, 0) - 1,
    parallelism,
    packs,
    wallMs,
    packVerdicts: packs ? { mandatory: r.stacks.reduce((n, s) => n + (s.verdict?.mandatory ?? 0), 0), advisory: r.stacks.reduce((n, s) => n + (s.verdict?.advisory ?? 0), 0), failingStacks: r.stacks.filter((s) => s.verdict?.exitCode === 1).map((s) => s.stack) } : "not run",
    isolation: { ms: r.isolationMs, ...(r.precheck ? { precheck: r.precheck } : {}), ...(r.crossTenantPaths ? { crossTenantPaths: r.crossTenantPaths.length } : {}), ...(r.notAnalysed ? { notAnalysed: r.notAnalysed } : {}) },
    perStackMs: Object.fromEntries(r.stacks.map((s) => [s.stack, s.ms])),
    parentCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    parentPeakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    cpus: os.cpus().length,
    loadAverageAtStart: load.join(" / "),
    node: process.version,
  };
}

if (require.main === module) {
  if (process.argv.includes("--inner")) {
    benchFleet().then(
      (r) => {
        process.stdout.write(JSON.stringify(r) + "\n");
        process.exit(0);
      },
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  } else {
    // GNU time's %M is the largest single process of the tree (Linux wait4 rusage): the peak per process.
    const time = "/usr/bin/time";
    const inner = [...process.execArgv, __filename, "--inner", ...process.argv.filter((a) => a === "--no-packs")];
    const run = existsSync(time) ? spawnSync(time, ["-f", "maxrss-kb=%M cpu-user-s=%U cpu-system-s=%S", process.execPath, ...inner], { encoding: "utf8", maxBuffer: 1 << 26 }) : spawnSync(process.execPath, inner, { encoding: "utf8", maxBuffer: 1 << 26 });
    if (run.status !== 0) throw new Error(`fleet bench failed: ${run.stderr}`);
    const r = JSON.parse(run.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
    const kb = /maxrss-kb=(\d+)/.exec(run.stderr)?.[1];
    r.peakRssPerProcessMB = kb ? Math.round(Number(kb) / 1024) : "n/a (GNU time not installed)";
    const cpu = /cpu-user-s=([\d.]+) cpu-system-s=([\d.]+)/.exec(run.stderr);
    // CPU of the whole tree (every stack's program): on 2 idle cores the run takes about half of it.
    r.treeCpuS = cpu ? Math.round((Number(cpu[1]) + Number(cpu[2])) * 10) / 10 : "n/a";
    const text = [
      "# Benchmark: tenant fleet (offline, every stack)",
      "",
      "`npx tsx bench/fleet.ts`: examples/tenant-fleet (1,000 tenants in ten shards of 100, lean layout, plus the transit",
      "stack) previewed offline as `netseg fleet preview --cross-check 20` does: transit first, then the shards in",
      "parallel up to the cores, each program in its own child process under the preview's mocks with netseg's four policy",
      "packs on it (`packs: false`: `--no-packs`), then tenant isolation across the fleet (TGW pre-check, engine on the",
      "open pairs and on 20 cleared ones; `isolation.ms`). Targets: < 60 s on 2 cores,",
      "< 1.5 GB peak per process. `peakRssPerProcessMB` is GNU time's maximum resident set size of the run, that of its",
      "largest single process; `treeCpuS` the CPU time of every process of the run (user + system): with the machine's",
      "cores to itself the wall time is about treeCpuS / cores. The load average at the start says how shared they were.",
      "",
      "```json",
      JSON.stringify(r, null, 2),
      "```",
      "",
    ].join("\n");
    writeFileSync(path.join(__dirname, "RESULTS-fleet.md"), text);
    process.stdout.write(text);
  }
}
