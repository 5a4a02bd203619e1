/**
 * A netseg killed with SIGKILL cannot remove its temp folders; the next run removes those whose
 * process is gone, and nothing else: not a running process's folder, not one being made, not
 * another user's, not other names, not one whose process id belongs to another container or host.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { OWNER_FILE, makeTempFolder, pidSpace, releaseFolder, sweepStaleFolders } from "../../../cli/preview/cleanup";

/** The id of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

describe("preview: temp folders of killed runs", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-sweep-"));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const folder = (name: string, owner?: number | string, ageMs = 0): string => {
    const dir = path.join(root, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "pack-launcher.js"), "// a bundle");
    if (owner !== undefined) fs.writeFileSync(path.join(dir, OWNER_FILE), String(owner));
    if (ageMs) {
      const t = new Date(Date.now() - ageMs);
      fs.utimesSync(dir, t, t);
    }
    return dir;
  };

  it("removes the folders whose process is gone, and those without an owner untouched for a day", () => {
    const dead = folder("netseg-packs-dead", deadPid());
    const old = folder("netseg-packs-old", undefined, 2 * 24 * 3600 * 1000);
    const removed = sweepStaleFolders(root, "netseg-packs-").sort();
    assert.deepEqual(removed, [dead, old].sort());
    assert.ok(!fs.existsSync(dead) && !fs.existsSync(old));
  });

  it("keeps a running process's folder, one whose owner is not written yet, other names and plain files", () => {
    const mine = folder("netseg-packs-live", process.pid);
    const parent = folder("netseg-packs-parent", process.ppid);
    const fresh = folder("netseg-packs-fresh");
    const garbled = folder("netseg-packs-garbled", "not a pid", 60_000);
    const other = folder("something-else", deadPid());
    fs.writeFileSync(path.join(root, "netseg-packs-file"), "");
    assert.deepEqual(sweepStaleFolders(root, "netseg-packs-"), []);
    for (const d of [mine, parent, fresh, garbled, other, path.join(root, "netseg-packs-file")]) assert.ok(fs.existsSync(d), d);
  });

  it("judges a process id from another PID namespace or host by the folder's age only (there it may be running)", () => {
    const space = pidSpace();
    assert.ok(space.startsWith(os.hostname()));
    if (process.platform === "linux") assert.match(space, / pid:\[\d+\]$/);
    const elsewhere = `${os.hostname()} pid:[1]`;
    // The id of a process gone here: in another namespace it may be a live run.
    const live = folder("netseg-packs-other-ns", `${deadPid()}\n${elsewhere}\n`);
    const otherHost = folder("netseg-packs-other-host", `${deadPid()}\nanother-host ${space.split(" ").slice(1).join(" ")}\n`);
    const abandoned = folder("netseg-packs-other-ns-old", `${deadPid()}\n${elsewhere}\n`, 2 * 24 * 3600 * 1000);
    const here = folder("netseg-packs-same-space", `${deadPid()}\n${space}\n`);
    const older = folder("netseg-packs-earlier-version", `${deadPid()}`);
    assert.deepEqual(sweepStaleFolders(root, "netseg-packs-").sort(), [abandoned, here, older].sort());
    assert.ok(fs.existsSync(live) && fs.existsSync(otherHost));
  });

  it("a new folder names its process and clears a killed run's first", () => {
    const dead = folder("netseg-packs-killed", deadPid());
    const made = makeTempFolder(root, "netseg-packs-");
    try {
      assert.ok(!fs.existsSync(dead), "the killed run's folder is gone");
      assert.equal(fs.readFileSync(path.join(made, OWNER_FILE), "utf8"), `${process.pid}\n${pidSpace()}\n`);
      assert.deepEqual(sweepStaleFolders(root, "netseg-packs-"), [], "its own folder is not stale");
    } finally {
      releaseFolder(made);
    }
  });
});
