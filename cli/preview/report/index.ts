/** Report renderers, one per `--format` / `--diagram` value. */
import { renderDot, renderMermaid } from "./diagram";
import { renderJson } from "./json";
import { renderMarkdown } from "./markdown";
import type { PreviewReport } from "./model";
import { renderSarif } from "./sarif";
import { renderText } from "./text";

export type ReportFormat = "text" | "json" | "markdown" | "sarif";
export type DiagramFormat = "mermaid" | "dot";
export const REPORT_FORMATS: readonly ReportFormat[] = ["text", "json", "markdown", "sarif"];
export const DIAGRAM_FORMATS: readonly DiagramFormat[] = ["mermaid", "dot"];

export function renderReport(report: PreviewReport, format: ReportFormat): string {
  switch (format) {
    case "text":
      return renderText(report);
    case "json":
      return renderJson(report);
    case "markdown":
      return renderMarkdown(report);
    case "sarif":
      return renderSarif(report);
  }
}

export function renderDiagram(report: PreviewReport, format: DiagramFormat): string {
  return format === "mermaid" ? renderMermaid(report) : renderDot(report);
}

export { buildReport, managedResources, zoneOf, UNZONED } from "./model";
export type { PreviewReport, ReportInput, ZoneGroup } from "./model";
export { entryFile, locateDeclarations, readProgramSources, type SourceFile, type SourceLocation } from "./locations";
