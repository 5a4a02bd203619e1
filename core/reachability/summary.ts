/**
 * The matrix as plain, sorted, JSON-safe rows, for reports (the preview's table, SARIF, a
 * policy message): traffic as text, rules as "resource rule" with their URNs. Pairs with
 * nothing possible are left out unless asked for.
 */
import type { Matrix } from "./model";
import { explainReplies } from "./explain";

export interface MatrixRow {
  readonly from: string;
  readonly to: string;
  /** Certainly allowed, e.g. `tcp/443, udp/53`, or `nothing`. */
  readonly allowed: string;
  /** Possibly allowed (differs from `allowed` only where values are unknown at preview). */
  readonly possible: string;
  readonly rules: readonly { readonly urn: string; readonly rule: string }[];
  /** Set when replies pass a stateless filter on part of the client's ephemeral range only, e.g. `tcp replies pass on client ports 1024-3388, 3390-65535 only (of 1024-65535)`. */
  readonly replies?: string;
}

export interface MatrixSummary {
  readonly endpoints: readonly { readonly id: string; readonly key: string; readonly kind: string; readonly platform?: string; readonly sensitive?: boolean }[];
  readonly rows: readonly MatrixRow[];
  readonly notes: readonly string[];
}

export function summariseMatrix(matrix: Matrix, opts: { includeEmpty?: boolean; includeSelf?: boolean } = {}): MatrixSummary {
  const rows: MatrixRow[] = [];
  for (const p of matrix.pairs) {
    if (!opts.includeSelf && p.from === p.to) continue;
    if (!opts.includeEmpty && p.possible.isEmpty()) continue;
    const replies = explainReplies(p, p.possible).join("; ");
    rows.push({
      from: p.from,
      to: p.to,
      allowed: p.allowed.toString(),
      possible: p.possible.toString(),
      rules: p.allowedBy.map((r) => ({ urn: r.urn, rule: `${r.resource} ${r.rule}` })),
      ...(replies ? { replies } : {}),
    });
  }
  return {
    endpoints: matrix.endpoints.map((e) => ({ id: e.id, key: e.key, kind: e.kind, ...(e.platform ? { platform: e.platform } : {}), ...(e.sensitive ? { sensitive: true } : {}) })),
    rows,
    notes: matrix.notes,
  };
}
