/**
 * Everything a preview starts outside itself: the program runner, the policy pack servers and
 * the temp folders of pack bundles. Each is registered here the moment it exists, so that every
 * way out of the process takes them along: a normal end or an error (each owner stops its own,
 * and the process's `exit` event stops whatever is left), SIGINT, SIGTERM or SIGHUP (what CI
 * sends on cancel; see {@link onSignals}), and an uncaught exception (it ends in `exit` too).
 * Children are killed with SIGKILL on these last paths: a program or a pack stuck in a loop
 * never runs a SIGTERM handler, and nothing of theirs needs flushing. SIGKILL leaves the folders:
 * the next run removes them (see {@link makeTempFolder}).
 */
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const children = new Set<ChildProcess>();
const folders = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => stopEverything());
}

/** Track `child` until it exits. */
export function trackChild(child: ChildProcess): ChildProcess {
  installExitHook();
  if (child.exitCode === null && child.signalCode === null) {
    children.add(child);
    child.once("exit", () => children.delete(child));
  }
  return child;
}

/** Track a temp folder until {@link releaseFolder} (or the end of the process) removes it. */
export function trackFolder(dir: string): string {
  installExitHook();
  folders.add(dir);
  return dir;
}

/**
 * The file in each of netseg's temp folders naming the process that made it: its id, then on a
 * second line the space that id belongs to ({@link pidSpace}).
 */
export const OWNER_FILE = "owner.pid";
/**
 * A folder of ours without an owner file (made by an earlier version), or whose owner lives in
 * another PID space, is stale after a day untouched.
 */
const UNOWNED_STALE_MS = 24 * 60 * 60 * 1000;

/**
 * Where this process's id means something: the host and, on Linux, the PID namespace. Two
 * containers (or hosts) sharing one temp directory each number their processes from 1, so a
 * process id read from another space says nothing about whether its process runs: asking the
 * kernel there would find no such process and remove a live run's folder.
 */
export function pidSpace(): string {
  let ns = "";
  try {
    ns = fs.readlinkSync("/proc/self/ns/pid");
  } catch {
    // not Linux, or no /proc: the host alone
  }
  return `${os.hostname()} ${ns}`.trim();
}

const OWN_SPACE = pidSpace();

/**
 * A new temp folder `root/prefix*`, tracked, with this process's id in it; first removes the
 * folders of that prefix whose process is gone. A process killed with SIGKILL (the OOM killer, a
 * CI job's timeout) can remove nothing, so the next run does.
 */
export function makeTempFolder(root: string, prefix: string): string {
  sweepStaleFolders(root, prefix);
  const dir = trackFolder(fs.mkdtempSync(path.join(root, prefix)));
  fs.writeFileSync(path.join(dir, OWNER_FILE), `${process.pid}\n${OWN_SPACE}\n`);
  return dir;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, another user's. Only ESRCH says it is gone.
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Remove the folders `root/prefix*` of this user whose owner process is no longer running (or,
 * with no owner file or an owner in another PID space, untouched for a day). A folder whose owner
 * file is not written yet is fresh and kept; a reused process id only keeps a stale folder
 * longer. Returns what it removed.
 */
export function sweepStaleFolders(root: string, prefix: string, now = Date.now()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(root, name);
    try {
      const st = fs.lstatSync(dir);
      if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid())) continue;
      let owner: number | undefined;
      let space: string | undefined;
      try {
        const [pid, ownerSpace] = fs.readFileSync(path.join(dir, OWNER_FILE), "utf8").split("\n");
        owner = Number(pid.trim());
        // No second line: written by an earlier version, read as this space (as it always was).
        space = ownerSpace?.trim() || undefined;
      } catch {
        owner = undefined;
      }
      const judged = owner !== undefined && Number.isInteger(owner) && owner > 0 && (space === undefined || space === OWN_SPACE);
      const stale = judged ? !alive(owner!) : now - st.mtimeMs > UNOWNED_STALE_MS;
      if (!stale || folders.has(dir)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // removed meanwhile by another run, or not ours to read: left alone
    }
  }
  return removed;
}

/** Remove a tracked temp folder now. */
export function releaseFolder(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  folders.delete(dir);
}

/** The children still running (pids), for tests and messages. */
export function runningChildren(): number[] {
  return [...children].map((c) => c.pid).filter((p): p is number => p !== undefined);
}

/** Kill every tracked child and remove every tracked folder, synchronously; returns how many children were killed. */
export function stopEverything(): number {
  let killed = 0;
  for (const child of children) {
    try {
      if (child.kill("SIGKILL")) killed += 1;
    } catch {
      // already gone
    }
  }
  children.clear();
  for (const dir of folders) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort on the way out; nothing else can be done here
    }
  }
  folders.clear();
  return killed;
}

export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];
const SIGNAL_NUMBERS: Record<StopSignal, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

/** 128 + the signal's number (130, 143, 129): how a shell reports a command a signal stopped. */
export const signalExitCode = (signal: StopSignal): number => 128 + SIGNAL_NUMBERS[signal];

/** A command that stops gracefully on its own (see `takeOverSignals`), or none. */
let takenOver: ((signal: StopSignal) => boolean) | undefined;

/**
 * While a command runs work that must be stopped rather than killed (`netseg fleet run`: the
 * Pulumi CLI updating stacks, which a kill would leave locked), the stop signals go to `handler`
 * first: when it returns true it has dealt with the signal and nothing else happens; when false
 * (a second signal, say), `onSignals` stops everything and exits as usual. Returns the undo.
 */
export function takeOverSignals(handler: (signal: StopSignal) => boolean): () => void {
  takenOver = handler;
  return () => {
    if (takenOver === handler) takenOver = undefined;
  };
}

/**
 * On SIGINT, SIGTERM or SIGHUP: stop every child, remove every temp folder, say so on stderr
 * and exit with 128 + the signal's number (130, 143, 129), as a shell reports a killed command.
 * Returns a function that removes the handlers.
 */
export function onSignals(write: (text: string) => void = (t) => process.stderr.write(t)): () => void {
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () => {
      if (takenOver?.(signal)) return;
      const killed = stopEverything();
      const stopped = killed > 0 ? `; it stopped ${killed} child process${killed === 1 ? "" : "es"} (program runner, policy packs) and removed its temp folders` : "";
      write(`error: netseg was stopped by ${signal}${stopped}.\n`);
      process.exit(signalExitCode(signal));
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
