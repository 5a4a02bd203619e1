/**
 * The one error type `netseg preview` shows to users. A PreviewError carries a one-paragraph
 * message naming the file or resource at fault and the process exit code; the CLI prints the
 * message alone (no stack trace), because the user's next step is to fix their input, not to
 * debug netseg.
 */
export class PreviewError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = "PreviewError";
    this.exitCode = exitCode;
  }
}

/**
 * Collapse an arbitrary error's text into one paragraph, dropping stack frames. A list in the
 * text (lines starting "- " or "* ", as IntentError and zod print their issues) stays readable:
 * its items are numbered when there are several and separated by "; ".
 */
export function oneParagraph(text: string, maxLength = 1200): string {
  const lines = text
    // eslint-disable-next-line no-control-regex -- strip terminal colours before dropping stack frames
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^at\s/.test(l) && !/^\^+$/.test(l));
  const items = lines.filter((l) => /^[-*]\s+/.test(l)).length;
  let n = 0;
  let joined = "";
  for (const line of lines) {
    const item = /^[-*]\s+(.*)$/.exec(line);
    if (item) {
      n += 1;
      joined += `${n > 1 ? "; " : " "}${items > 1 ? `(${n}) ` : ""}${item[1]}`;
    } else {
      joined += `${n > 0 ? ". " : " "}${line}`;
      n = 0;
    }
  }
  joined = joined.replace(/\.\.\s/g, ". ").replace(/\s+/g, " ").trim();
  return joined.length > maxLength ? `${joined.slice(0, maxLength)}...` : joined;
}

/** The message of anything thrown, without its stack. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
