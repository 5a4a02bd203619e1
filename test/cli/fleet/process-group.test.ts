/**
 * `netseg preview` leaves no process behind: the CLI is started as the leader of a new process
 * group (its program runner and pack servers inherit the group), and the moment it has exited,
 * no process of that group may be alive, not even one still shutting down.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");

/** Processes whose process group is `pgid` (field 5 of /proc/<pid>/stat), zombies included. */
function groupMembers(pgid: number): string[] {
  const out: string[] = [];
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid) out.push(`${pid} ${stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"))} state ${fields[0]}`);
  }
  return out;
}

describe("netseg preview process hygiene", function () {
  this.timeout(600_000);
  before(function () {
    if (!fs.existsSync("/proc/self/stat")) this.skip();
  });

  it("no process of the preview's group is alive once it has exited", async () => {
    const cli = spawn(process.execPath, [path.join(ROOT, "bin/netseg.js"), "preview", path.join(__dirname, "fixture"), "--stack", "transit"], { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let seenDuring: string[] = [];
    let stderr = "";
    cli.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    cli.stdout.on("data", () => {
      if (seenDuring.length < 2) seenDuring = groupMembers(cli.pid!);
    });
    const code = await new Promise<number | null>((resolve) => cli.on("exit", (c) => resolve(c)));
    const left = groupMembers(cli.pid!);
    try {
      assert.ok(code === 0 || code === 1, `the preview ran (exit ${code}): ${stderr.slice(-800)}`);
      assert.ok(seenDuring.length >= 1, "the group was observed while the preview ran");
      assert.deepEqual(left, [], "processes of the preview still alive after it exited");
    } finally {
      try {
        process.kill(-cli.pid!, "SIGKILL");
      } catch {
        // the group is empty, as it should be
      }
    }
  });
});
