/**
 * Problems are data first (path, value, message, fix) and turned into text separately, so the
 * CLI, the components and the policy packs can each present them in their own way.
 */
export interface IntentIssue {
  /** Path into the intent document, e.g. `flows[2].to`. */
  readonly path: string;
  /** The offending value, when there is one. */
  readonly value?: unknown;
  /** What is wrong and what is expected. */
  readonly message: string;
  /** How to fix it. */
  readonly fix?: string;
}

/** Longest value echoed back whole; longer ones keep their start and say how long they were. */
export const MAX_VALUE_CHARS = 120;
/** Longest message or fix shown whole (they may quote values and list known names). */
export const MAX_TEXT_CHARS = 1000;
/** Problems listed in an IntentError's message; the rest are counted. */
export const MAX_LISTED_ISSUES = 50;

const count = (n: number) => n.toLocaleString("en-US");

/** A string value shortened for a message: its start, then how long it was. */
export function clipValue(text: string): string {
  if (text.length <= MAX_VALUE_CHARS) return text;
  return `${text.slice(0, MAX_VALUE_CHARS)}... (${count(text.length)} characters in all)`;
}

/**
 * An issue fit to print: a long string value is clipped, and so is every place the message or
 * fix quotes it; what is still too long keeps its start and its end (which says the fix).
 */
export function clipIssue(i: IntentIssue): IntentIssue {
  const long = typeof i.value === "string" && i.value.length > MAX_VALUE_CHARS ? i.value : undefined;
  const clipText = (t: string) => {
    const quoted = long === undefined ? t : t.split(long).join(clipValue(long));
    if (quoted.length <= MAX_TEXT_CHARS) return quoted;
    const tail = 200;
    return `${quoted.slice(0, MAX_TEXT_CHARS - tail)} ... (${count(quoted.length - MAX_TEXT_CHARS)} characters left out) ... ${quoted.slice(-tail)}`;
  };
  const clipped: IntentIssue = { path: clipText(i.path), message: clipText(i.message), value: long === undefined ? i.value : clipValue(long), fix: i.fix === undefined ? undefined : clipText(i.fix) };
  return i.value === clipped.value && i.message === clipped.message && i.fix === clipped.fix && i.path === clipped.path ? i : clipped;
}

export function formatIssue(i: IntentIssue): string {
  const c = clipIssue(i);
  const value = c.value === undefined ? "" : ` (got ${JSON.stringify(c.value)})`;
  const fix = c.fix ? ` Fix: ${c.fix}` : "";
  return `${c.path || "(intent)"}: ${c.message}${value}.${fix}`;
}

/**
 * Every problem of an intent, thrown once. `issues` holds them all, clipped (a 5 MB value is
 * kept as its start and its length); the message lists the first MAX_LISTED_ISSUES and counts
 * the rest.
 */
export class IntentError extends Error {
  readonly issues: readonly IntentIssue[];

  constructor(
    issues: readonly IntentIssue[],
    readonly source?: string,
  ) {
    const where = source ? ` in ${source}` : "";
    const listed = issues.slice(0, MAX_LISTED_ISSUES).map((i) => `  - ${formatIssue(i)}`);
    const rest = issues.length - listed.length;
    if (rest > 0) listed.push(`  ... and ${count(rest)} more problem${rest === 1 ? "" : "s"}`);
    super(`The intent${where} has ${count(issues.length)} problem${issues.length === 1 ? "" : "s"}:\n` + listed.join("\n"));
    this.issues = issues.map(clipIssue);
    this.name = "IntentError";
  }
}

/** Formats a path array from zod (`["flows", 2, "to"]`) as `flows[2].to`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/** Suggests the closest known name (edit distance <= 2) for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    // The distance is at least the difference in length: a long hostile word costs nothing.
    if (Math.abs(word.length - c.length) >= bestD) continue;
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}
