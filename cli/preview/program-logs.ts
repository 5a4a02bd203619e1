/**
 * Collects what a program logs at warn or error level, which the offline preview must show.
 *
 * Under the SDK's mocks there is no engine: `pulumi.log.warn/error` fall back to a bare
 * `console.warn("warning: [runtime] ...")` and drop the resource they name, and the child's
 * console never reaches the report. So the preview replaces the two functions on the program's
 * own SDK copy (the SDK and programs both call them through that module object) with ones that
 * keep the message and resolve the named resource's URN, as the engine's `Log` RPC would; and
 * it keeps what the program writes with `console.warn` / `console.error`, as warnings. All of
 * it still goes to stderr as well, which the CLI quotes if the program then exits abruptly.
 */
import { format } from "node:util";
import type { ProgramLog } from "./types";

type LogFn = (msg: string, resource?: unknown, streamId?: number, ephemeral?: boolean) => Promise<void>;
interface LogModule {
  warn: LogFn;
  error: LogFn;
}

/** Messages longer than this are cut: a report line, not a dump. */
const MAX_MESSAGE = 4000;

function text(value: unknown): string {
  let s: string;
  try {
    s = typeof value === "string" ? value : value instanceof Error ? value.message : String(value);
  } catch {
    s = "(a value that cannot be shown as text)";
  }
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}...` : s;
}

/** The URN of `pulumi.log.*`'s resource argument; undefined for anything that is not a resource. */
function urnOf(resource: unknown): Promise<string | undefined> {
  const urn = (resource as { urn?: { promise?: unknown } } | null | undefined)?.urn;
  if (!urn || typeof urn.promise !== "function") return Promise.resolve(undefined);
  try {
    return Promise.resolve((urn as { promise: () => Promise<unknown> }).promise()).then(
      (u) => (typeof u === "string" && u.length > 0 ? u : undefined),
      () => undefined,
    );
  } catch {
    return Promise.resolve(undefined);
  }
}

export interface LogCapture {
  /** Every message so far, in the order logged, once the URNs they name are known. */
  logs(): Promise<ProgramLog[]>;
  /** The errors logged so far, at once (no URNs): for the message of a program that then failed. */
  loggedErrors(): string[];
  /** Put the SDK's functions and the console back. */
  restore(): void;
}

/** `echo` receives each message as a line too (default: stderr). */
export function captureProgramLogs(log: LogModule, echo: (line: string) => void = (line) => void process.stderr.write(line)): LogCapture {
  const entries: Promise<ProgramLog>[] = [];
  const errors: string[] = [];
  const original = { warn: log.warn, error: log.error, consoleWarn: console.warn, consoleError: console.error };
  const fromPulumi = (level: ProgramLog["level"]): LogFn => (msg, resource) => {
    const message = text(msg);
    if (level === "error") errors.push(message);
    // Also on stderr, as the SDK's own fallback does: a program that then exits abruptly has only that.
    echo(`${level}: ${message}\n`);
    const entry = urnOf(resource).then((urn): ProgramLog => ({ level, source: "pulumi.log", message, ...(urn ? { urn } : {}) }));
    entries.push(entry);
    return entry.then(() => undefined);
  };
  const fromConsole = (...args: unknown[]) => {
    const message = text(format(...args));
    entries.push(Promise.resolve({ level: "warning", source: "console", message }));
    echo(`${message}\n`);
  };
  log.warn = fromPulumi("warning");
  log.error = fromPulumi("error");
  console.warn = fromConsole;
  console.error = fromConsole;
  return {
    logs: () => Promise.all(entries),
    loggedErrors: () => [...errors],
    restore: () => {
      log.warn = original.warn;
      log.error = original.error;
      console.warn = original.consoleWarn;
      console.error = original.consoleError;
    },
  };
}
