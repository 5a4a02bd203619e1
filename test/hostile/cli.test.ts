/**
 * Hostile input and hostile conditions for the netseg CLI: every fault ends in one clear
 * paragraph and exit 2 (never a stack trace, never a pass), a YAML alias bomb is refused, and
 * `netseg preview` has deadlines and leaves nothing behind: a program that never finishes, a pack
 * whose analyze never returns, a SIGTERM mid-run. Deadlines are set short through the flags;
 * nothing asserts on a duration beyond generous bounds.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { IntentError, parseIntentText } from "../../core/intent";
import { MAX_ALIAS_COUNT } from "../../core/intent/load";
import { faultText } from "../../cli/faults";
import { runAnalyses } from "../../cli/preview/analysis";
import { analyzeResources } from "../../cli/preview/enforce";
import { PreviewError } from "../../cli/preview/errors";
import { deadlineMs } from "../../cli/preview/index";
import { openPacks, type PackSession } from "../../cli/preview/pack-session";
import { runPreview } from "../../cli/preview/run";
import { UNKNOWN } from "../../cli/preview/types";
import { recordedResource } from "../fixtures/preview/recorded";

const ROOT = path.join(__dirname, "..", "..");
const ENTRY = path.join(ROOT, "bin", "netseg.js");
const FIXTURES = path.join(ROOT, "test", "fixtures", "preview");

/** The "billion laughs": nine anchors, each aliasing the one before nine times. */
const LAUGHS = ["a: &a [x, x, x, x, x, x, x, x, x]", ..."bcdefghi".split("").map((c, i) => `${c}: &${c} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]`)].join("\n") + "\n";

function netseg(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [ENTRY, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, NETSEG_DEBUG: "", ...opts.env }, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One paragraph starting `error: `, mentioning `mentions`, and no stack frame. */
function assertOneParagraph(stderr: string, mentions: RegExp): void {
  const text = stderr.replace(/npm warn.*\n/g, "").trim();
  assert.match(text, /^error: /, text);
  assert.match(text, mentions);
  assert.equal(text.split("\n").length, 1, `expected one paragraph, got:\n${text}`);
  assert.doesNotMatch(text, /\s+at \S+ \(|node:internal/);
}

/** The live processes of process group `pgid`, with their command lines (Linux /proc). */
function groupMembers(pgid: number): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid pgrp ...": comm may hold spaces, so read after the last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state !== "Z" && Number(pgrp) === pgid) found.push({ pid: Number(entry), cmd: fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ") });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** True while `pid` runs (a zombie, killed but not yet reaped, does not count). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    if (fs.existsSync("/proc/self/stat")) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

async function waitFor(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`gave up waiting ${timeoutMs / 1000}s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("hostile input to the netseg CLI", function () {
  this.timeout(120_000);

  describe("YAML alias bomb", () => {
    it("is refused as an intent problem naming the limit, while a few aliases still parse", () => {
      assert.throws(
        () => parseIntentText(LAUGHS, "laughs.yaml"),
        (err: unknown) => err instanceof IntentError && /laughs\.yaml/.test(err.message) && new RegExp(`more than ${MAX_ALIAS_COUNT} copies.*billion laughs`).test(err.message),
      );
      const reused = "name: r\naddressSpace: 10.0.0.0/16\nzones: [{ name: a }, { name: b }]\nflows:\n  - { from: a, to: b, ports: &web [tcp/443, tcp/8443] }\n  - { from: b, to: a, ports: *web }\n";
      assert.deepEqual(
        parseIntentText(reused).flows.map((f) => f.ports.length),
        [2, 2],
      );
    });

    it("`netseg plan` prints the problem, not a stack trace", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-hostile-"));
      try {
        const file = path.join(dir, "laughs.yaml");
        fs.writeFileSync(file, LAUGHS);
        const r = netseg(["plan", file]);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /^The intent in .*laughs\.yaml has 1 problem:\n {2}- \(intent\): the YAML's aliases/);
        assert.doesNotMatch(r.stderr, /\n\s+at |ReferenceError/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("faults", () => {
    it("a system error is one paragraph and exit 2; --debug or NETSEG_DEBUG adds the stack", () => {
      const out = path.join(os.tmpdir(), "netseg-no-such-dir", "deeper", "schema.json");
      const r = netseg(["schema", "-o", out]);
      assert.equal(r.code, 2);
      assertOneParagraph(r.stderr, /ENOENT: no such file or directory, open '.*schema\.json'/);
      const debug = netseg(["schema", "-o", out, "--debug"]);
      assert.equal(debug.code, 2);
      assert.match(debug.stderr, /^error: ENOENT.*\n.*\n\s+at /);
      assert.match(netseg(["schema", "-o", out], { env: { NETSEG_DEBUG: "1" } }).stderr, /\n\s+at /);
    });

    it("a usage error exits 2 on every command (1 means a finding)", () => {
      const r = netseg(["plan", "--no-such-option", "x.yaml"]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^error: unknown option '--no-such-option'/);
    });

    it("an exception nobody caught is one paragraph and exit 2", () => {
      const script = `require(${JSON.stringify(path.join(ROOT, "cli", "faults.ts"))}).installFaultHandlers(false); setTimeout(() => { throw new TypeError("x.y is not a function\\nsecond line"); });`;
      const r = spawnSync(process.execPath, ["-r", "tsx/cjs", "-e", script], { cwd: ROOT, encoding: "utf8" });
      assert.equal(r.status, 2);
      assertOneParagraph(r.stderr, /netseg failed unexpectedly: x\.y is not a function second line\. This is a fault in netseg.*--debug/);
    });

    it("an uncaught exception still stops every tracked child and removes every tracked temp folder", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-hostile-"));
      const script = [
        `const { spawn } = require("node:child_process");`,
        `const cleanup = require(${JSON.stringify(path.join(ROOT, "cli", "preview", "cleanup.ts"))});`,
        `require(${JSON.stringify(path.join(ROOT, "cli", "faults.ts"))}).installFaultHandlers(false);`,
        `const child = cleanup.trackChild(spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }));`,
        `cleanup.trackFolder(${JSON.stringify(dir)});`,
        `process.stdout.write(String(child.pid));`,
        `setTimeout(() => { throw new Error("late failure"); }, 300);`,
      ].join("\n");
      const r = spawnSync(process.execPath, ["-r", "tsx/cjs", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
      assert.equal(r.status, 2, r.stderr);
      assertOneParagraph(r.stderr, /netseg failed unexpectedly: late failure/);
      const pid = Number(r.stdout);
      assert.ok(pid > 0);
      await waitFor("the tracked child to end", () => !alive(pid), 10_000).catch(() => undefined);
      assert.equal(alive(pid), false, "the tracked child is gone");
      assert.equal(fs.existsSync(dir), false, "the tracked folder is gone");
    });

    it("faultText: the user's faults as they are, netseg's own named as such", () => {
      assert.equal(faultText(new PreviewError("Program directory /x does not exist.")), "error: Program directory /x does not exist.\n");
      const bug = new TypeError("boom");
      assert.match(faultText(bug), /^error: netseg failed unexpectedly: boom\. This is a fault in netseg/);
      assert.doesNotMatch(faultText(bug), /\n./);
      assert.match(faultText(bug, true), /\n\s+at /);
    });

    it("deadline flags and variables must be seconds above 0, naming the one at fault", () => {
      assert.equal(deadlineMs("--program-timeout", "1.5", "NETSEG_PROGRAM_TIMEOUT", {}), 1500);
      assert.equal(deadlineMs("--program-timeout", undefined, "NETSEG_PROGRAM_TIMEOUT", { NETSEG_PROGRAM_TIMEOUT: "7" }), 7000);
      assert.equal(deadlineMs("--program-timeout", undefined, "NETSEG_PROGRAM_TIMEOUT", {}), undefined);
      for (const bad of ["0", "-3", "soon", "", "Infinity"]) {
        assert.throws(() => deadlineMs("--analyze-timeout", bad, "NETSEG_ANALYZE_TIMEOUT", {}), (e: unknown) => e instanceof PreviewError && e.exitCode === 2 && e.message.startsWith("--analyze-timeout must be a number of seconds greater than 0"));
      }
      assert.throws(() => deadlineMs("--analyze-timeout", undefined, "NETSEG_ANALYZE_TIMEOUT", { NETSEG_ANALYZE_TIMEOUT: "never" }), /^PreviewError: NETSEG_ANALYZE_TIMEOUT must be .*got "never"\), e\.g\. NETSEG_ANALYZE_TIMEOUT=600/);
    });
  });

  describe("netseg preview fails closed", () => {
    const ctx = { project: "p", stack: "s", programDir: "/x", outputs: {} };

    it("an analysis that throws fails the preview (exit 2), naming it and the opt-out", async () => {
      const brokenAnalysis = () => {
        throw new TypeError("cannot read properties of undefined");
      };
      await assert.rejects(
        runAnalyses([brokenAnalysis], [], ctx),
        (e: unknown) => e instanceof PreviewError && e.exitCode === 2 && /The broken analysis failed, so the preview cannot pass: cannot read properties of undefined\..*--no-analysis/.test(e.message),
      );
    });

    it("no policy pack given and none found: exit 2 before anything starts, not a pass checked by nothing", async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-hostile-"));
      try {
        await assert.rejects(
          runPreview({ programDir: path.join(FIXTURES, "program"), stack: "clean", packRoot: empty }),
          (e: unknown) => e instanceof PreviewError && e.exitCode === 2 && /^No policy pack to run: none was given and .*policy-packs holds no directory with a PulumiPolicy\.yaml\. Pass --policy-pack <dir>/.test(e.message),
        );
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    });

    it("a stack that declares nothing fails (exit 2) unless --allow-empty", () => {
      const empty = netseg(["preview", "program", "--stack", "empty", "--policy-pack", "pack"], { cwd: FIXTURES });
      assert.equal(empty.code, 2, empty.stderr);
      assertOneParagraph(empty.stderr, /declared no resource for stack 'empty'.*checked nothing.*--allow-empty/);
      const allowed = netseg(["preview", "program", "--stack", "empty", "--policy-pack", "pack", "--allow-empty", "--format", "json"], { cwd: FIXTURES });
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.equal(JSON.parse(allowed.stdout).resources.managed, 0);
    });

    it("a program that never finishes: exit 2 naming the program and the deadline", () => {
      const r = netseg(["preview", "program", "--stack", "hangs", "--policy-pack", "pack", "--program-timeout", "2"], { cwd: FIXTURES });
      assert.equal(r.code, 2, r.stderr);
      assertOneParagraph(r.stderr, /program .*program\/index\.ts did not finish within 2s .*raise --program-timeout or NETSEG_PROGRAM_TIMEOUT/);
    });

    it("a pack whose analyze never returns: exit 2 naming the pack and the deadline", () => {
      const r = netseg(["preview", "program", "--stack", "clean", "--policy-pack", "pack", "--policy-pack", "hanging-pack", "--analyze-timeout", "5"], { cwd: FIXTURES });
      assert.equal(r.code, 2, r.stderr);
      assertOneParagraph(r.stderr, /Policy pack 'netseg-preview-hanging' \(.*hanging-pack\) did not answer within 5s when asked to analyze urn:pulumi:clean::fixture::.*--analyze-timeout or NETSEG_ANALYZE_TIMEOUT/);
    });

    it("a pack that does not start in time: exit 2 naming the pack and the deadline", () => {
      const r = netseg(["preview", "program", "--stack", "clean", "--policy-pack", "pack", "--pack-start-timeout", "0.01"], { cwd: FIXTURES });
      assert.equal(r.code, 2, r.stderr);
      assertOneParagraph(r.stderr, /Policy pack .*fixtures\/preview\/pack did not start: it printed no port within 0\.01s \(--pack-start-timeout or NETSEG_PACK_START_TIMEOUT sets the limit\)/);
    });

    it("SIGTERM mid-run: exit 143, no child process left in its process group, no temp folder left", async function () {
      if (!fs.existsSync("/proc/self/stat")) this.skip();
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-sigterm-"));
      // Its own process group (detached), so every process it starts can be found by group afterwards.
      const child = spawn(process.execPath, [ENTRY, "preview", "program", "--stack", "hangs", "--policy-pack", "pack", "--policy-pack", "hanging-pack", "--program-timeout", "600"], {
        cwd: FIXTURES,
        env: { ...process.env, TMPDIR: tmp },
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const pgid = child.pid!;
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      try {
        // Running: the program runner and both packs are up, and the pack bundles are on disk.
        await waitFor(
          "the program runner and two packs",
          () => {
            const cmds = groupMembers(pgid).map((m) => m.cmd);
            return cmds.filter((c) => c.includes("run-policy-pack") || c.includes("pack-launcher")).length === 2 && cmds.some((c) => c.includes("program-child"));
          },
          60_000,
        );
        assert.ok(fs.readdirSync(tmp).some((n) => n.startsWith("netseg-packs-")), "the pack bundles' temp folder exists while it runs");
        process.kill(pgid, "SIGTERM");
        assert.equal(await exited, 143, stderr);
        assertOneParagraph(stderr, /stopped by SIGTERM; it stopped 3 child processes/);
        await waitFor("every process of its group to end", () => groupMembers(pgid).length === 0, 15_000).catch(() => undefined);
        assert.deepEqual(groupMembers(pgid), [], "no process of the preview's group is alive");
        // tsx keeps its compile cache there (tsx-*); nothing of netseg's may stay.
        assert.deepEqual(fs.readdirSync(tmp).filter((n) => !n.startsWith("tsx-")), []);
      } finally {
        try {
          process.kill(-pgid, "SIGKILL");
        } catch {
          // the group is gone, as it should be
        }
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });

    it("SIGKILL mid-run (nothing can be cleaned up): the program runner and the packs still end on their own; the next run removes its temp folder", async function () {
      if (!fs.existsSync("/proc/self/stat")) this.skip();
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-sigkill-"));
      const child = spawn(process.execPath, [ENTRY, "preview", "program", "--stack", "waits", "--policy-pack", "pack", "--policy-pack", "hanging-pack"], {
        cwd: FIXTURES,
        env: { ...process.env, TMPDIR: tmp },
        detached: true,
        stdio: "ignore",
      });
      const pgid = child.pid!;
      try {
        await waitFor(
          "the program runner and two packs",
          () => {
            const cmds = groupMembers(pgid).map((m) => m.cmd);
            return cmds.filter((c) => c.includes("run-policy-pack") || c.includes("pack-launcher")).length === 2 && cmds.some((c) => c.includes("program-child"));
          },
          60_000,
        );
        process.kill(pgid, "SIGKILL");
        await waitFor("every process of its group to end", () => groupMembers(pgid).length === 0, 15_000).catch(() => undefined);
        assert.deepEqual(groupMembers(pgid), [], "no process of the preview's group outlives it");
        const packFolders = () => fs.readdirSync(tmp).filter((n) => n.startsWith("netseg-packs-"));
        assert.equal(packFolders().length, 1, "the killed run could not remove its temp folder");
        // The next preview with packs removes it (its owner is gone), then its own at its end.
        const next = netseg(["preview", "program", "--stack", "clean", "--policy-pack", "pack"], { cwd: FIXTURES, env: { TMPDIR: tmp } });
        assert.ok(next.code === 0 || next.code === 1, next.stderr);
        assert.deepEqual(packFolders(), []);
      } finally {
        try {
          process.kill(-pgid, "SIGKILL");
        } catch {
          // the group is gone, as it should be
        }
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });

    describe("a mandatory policy that could not run (a value unknown at preview)", () => {
      let session: PackSession;
      let advisorySession: PackSession;
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-hostile-"));
      const env = { project: "p", stack: "s", config: {} };
      before(async () => {
        const advisory = path.join(tmp, "advisory.json");
        fs.writeFileSync(advisory, JSON.stringify({ "security-group-in-a-known-vpc": "advisory" }));
        [session, advisorySession] = await Promise.all([openPacks([path.join(FIXTURES, "unknown-pack")], [], env), openPacks([path.join(FIXTURES, "unknown-pack")], [advisory], env)]);
      });
      after(async () => {
        await session?.close();
        await advisorySession?.close();
        fs.rmSync(tmp, { recursive: true, force: true });
      });
      const sg = recordedResource({ type: "aws:ec2/securityGroup:SecurityGroup", name: "app", inputs: { vpcId: UNKNOWN, description: "app" } });

      it("is a mandatory violation, not an advisory note", async () => {
        const { violations } = await analyzeResources([sg], session.packs);
        assert.deepEqual(
          violations.map((v) => [v.level, v.policy, v.urn]),
          [["mandatory", "security-group-in-a-known-vpc", sg.urn]],
        );
        assert.match(violations[0].message, /^can't run policy 'security-group-in-a-known-vpc' .*during preview.*a check that did not run did not pass/);
      });

      it("stays advisory when the user set the policy to advisory", async () => {
        const { violations } = await analyzeResources([sg], advisorySession.packs);
        assert.deepEqual(violations.map((v) => v.level), ["advisory"]);
      });
    });
  });
});
