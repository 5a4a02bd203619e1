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

export function formatIssue(i: IntentIssue): string {
  const value = i.value === undefined ? "" : ` (got ${JSON.stringify(i.value)})`;
  const fix = i.fix ? ` Fix: ${i.fix}` : "";
  return `${i.path || "(intent)"}: ${i.message}${value}.${fix}`;
}

export class IntentError extends Error {
  constructor(
    readonly issues: readonly IntentIssue[],
    readonly source?: string,
  ) {
    const where = source ? ` in ${source}` : "";
    super(
      `The intent${where} has ${issues.length} problem${issues.length === 1 ? "" : "s"}:\n` +
        issues.map((i) => `  - ${formatIssue(i)}`).join("\n"),
    );
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
