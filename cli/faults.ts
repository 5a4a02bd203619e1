/**
 * How the netseg CLI fails: every fault (bad input, a failed program or pack, a bug in netseg
 * itself, an exception nobody caught) prints one paragraph on stderr, starting `error: `, and
 * exits 2, never with a stack trace. `--debug` or `NETSEG_DEBUG=1` adds the stack trace for a bug
 * report. Exit codes: 0 clean, 1 a finding (a mandatory violation, an analysis error, a bad
 * intent for `plan`), 2 a fault, 128 + n stopped by signal n (see preview/cleanup.ts).
 */
import { IntentError } from "../core/intent";
import { PreviewError, errorText, oneParagraph } from "./preview/errors";

/** True when the user asked for stack traces: `--debug` anywhere, or NETSEG_DEBUG set to anything but "", "0" or "false". */
export function isDebug(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = env.NETSEG_DEBUG?.trim().toLowerCase();
  return argv.includes("--debug") || (flag !== undefined && flag !== "" && flag !== "0" && flag !== "false");
}

/**
 * The text to print for `err`: its message as one paragraph. Faults the user can fix (a
 * PreviewError, an IntentError) are shown as they are; anything else is netseg's own fault and
 * says so. With `debug`, the stack trace follows.
 */
export function faultText(err: unknown, debug = false): string {
  // A system error (ENOENT, EACCES, ENOSPC...) is the environment's, named by its message.
  const systemError = typeof (err as { code?: unknown } | null)?.code === "string" && /^E[A-Z]+$/.test((err as { code: string }).code);
  const expected = err instanceof PreviewError || err instanceof IntentError || systemError;
  const text = oneParagraph(errorText(err), 4000) || "(no message)";
  const line = expected
    ? `error: ${text}`
    : `error: netseg failed unexpectedly: ${text}. This is a fault in netseg, not in your input; run again with --debug (or NETSEG_DEBUG=1) and report the stack trace.`;
  const stack = debug && err instanceof Error && err.stack ? `\n${err.stack}` : "";
  return `${line}${stack}\n`;
}

/** The exit code of a fault: a PreviewError's own code, else 2. */
export function faultExitCode(err: unknown): number {
  return err instanceof PreviewError ? err.exitCode : 2;
}

/**
 * Turn exceptions and rejections that escape every handler into {@link faultText} and exit 2,
 * instead of Node's stack trace. The process's `exit` event still stops children (cleanup.ts).
 */
export function installFaultHandlers(debug: boolean, write: (text: string) => void = (t) => process.stderr.write(t)): void {
  const die = (err: unknown) => {
    write(faultText(err, debug));
    process.exit(2);
  };
  process.on("uncaughtException", die);
  process.on("unhandledRejection", die);
}
