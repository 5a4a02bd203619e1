/** JSON report: the report model itself, for machines (CI gates, dashboards, tests). */
import type { PreviewReport } from "./model";

export function renderJson(report: PreviewReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}
