/**
 * The pluggable "analysis" part of the preview report. An analysis is a function of the
 * recorded resources that returns a section: an optional matrix (e.g. zone x zone
 * reachability held against the intent), findings (e.g. an unintended path, an accidental
 * deny) and optional edges for the diagram. The report renders whatever sections it is given,
 * in every format, without knowing what computed them; core/reachability plugs in here.
 *
 * Findings of severity "error" fail the preview (exit 1) like a mandatory violation: a path
 * the intent does not allow is exactly what the preview exists to stop. An analysis that cannot
 * run (it throws) fails it too (exit 2): it never degrades to a warning.
 */
import { PreviewError, errorText, oneParagraph } from "./errors";
import type { RecordedResource } from "./types";
import type { EphemeralPorts } from "../../core/reachability";

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
  /** --ephemeral-ports: the clients' source ports replies return to through NACLs (default 1024-65535). */
  ephemeralPorts?: EphemeralPorts;
  /**
   * --workloads: cloud workloads (instances, databases...) as rows and diagram nodes of their own
   * under their zone (`show`), or folded into their zone's (`collapse`); `auto` (default) shows
   * them up to {@link WORKLOAD_DISPLAY_LIMIT} workloads to judge and collapses beyond.
   */
  workloads?: WorkloadDisplay;
}

export type WorkloadDisplay = "show" | "collapse" | "auto";
export const WORKLOAD_DISPLAYS: readonly WorkloadDisplay[] = ["show", "collapse", "auto"];
/** Workloads to judge (equivalence classes) above which `auto` collapses them into their zones. */
export const WORKLOAD_DISPLAY_LIMIT = 40;

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

/**
 * Run analyses. One that throws fails the preview (a PreviewError, exit 2): an analysis that did
 * not run proved nothing, so the preview must not pass on the packs alone. `--no-analysis` is
 * the explicit way to preview without them.
 */
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
      if (err instanceof PreviewError) throw err;
      const name = provider.name ? provider.name.replace(/Analysis$/, "") : `analysis ${i + 1}`;
      throw new PreviewError(
        `The ${name} analysis failed, so the preview cannot pass: ${oneParagraph(errorText(err))}. ` +
          `This is a fault of the analysis, not of your stack; report it. To preview with the policy packs alone, pass --no-analysis.`,
      );
    }
  }
  return sections;
}
