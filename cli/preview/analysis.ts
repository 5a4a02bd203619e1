/**
 * The pluggable "analysis" part of the preview report. An analysis is a function of the
 * recorded resources that returns a section: an optional matrix (e.g. zone x zone
 * reachability held against the intent), findings (e.g. an unintended path, an accidental
 * deny) and optional edges for the diagram. The report renders whatever sections it is given,
 * in every format, without knowing what computed them; core/reachability plugs in here.
 *
 * Findings of severity "error" fail the preview (exit 1) like a mandatory violation: a path
 * the intent does not allow is exactly what the preview exists to stop.
 */
import type { RecordedResource } from "./types";

export interface AnalysisFinding {
  /** Machine-readable kind, e.g. "unintended-path", "accidental-deny". */
  kind: string;
  severity: "error" | "warning" | "note";
  message: string;
  from?: string;
  to?: string;
  /** Resources that open or close the path (named in SARIF and the report). */
  urns?: string[];
}

export interface AnalysisEdge {
  from: string;
  to: string;
  label?: string;
  status: "intended" | "unintended" | "accidental-deny";
}

export interface AnalysisMatrix {
  rowHeader: string;
  rows: string[];
  columns: string[];
  /** cells[row][column], short text ("443", "-", "!22"). */
  cells: string[][];
  legend?: string;
}

export interface AnalysisSection {
  id: string;
  title: string;
  summary?: string;
  matrix?: AnalysisMatrix;
  findings: AnalysisFinding[];
  edges?: AnalysisEdge[];
}

export interface AnalysisContext {
  project: string;
  stack: string;
  programDir: string;
  /** The stack's exported outputs (a program may export its intent). */
  outputs: Record<string, unknown>;
  /** Intent files given with --intent (else analyses look for the intent in the stack). */
  intentFiles?: string[];
}

export type AnalysisProvider = (resources: RecordedResource[], ctx: AnalysisContext) => AnalysisSection | Promise<AnalysisSection>;

const registered: AnalysisProvider[] = [];

/** Add an analysis to every subsequent preview in this process. */
export function registerAnalysis(provider: AnalysisProvider): void {
  registered.push(provider);
}

/** The analyses registered so far (defaults first). */
export function registeredAnalyses(): AnalysisProvider[] {
  return [...registered];
}

/** Run analyses; one that throws becomes a section with an error finding, not a crash. */
export async function runAnalyses(
  providers: AnalysisProvider[],
  resources: RecordedResource[],
  ctx: AnalysisContext,
): Promise<AnalysisSection[]> {
  const sections: AnalysisSection[] = [];
  for (const [i, provider] of providers.entries()) {
    try {
      sections.push(await provider(resources, ctx));
    } catch (err) {
      sections.push({
        id: `analysis-${i}`,
        title: provider.name || `analysis ${i + 1}`,
        // A broken analysis must not pass as a segmentation finding: it is a warning, not a failure.
        findings: [{ kind: "analysis-failed", severity: "warning", message: `The analysis failed: ${err instanceof Error ? err.message : String(err)}` }],
      });
    }
  }
  return sections;
}
