/**
 * JSON report: the report model itself, for machines (CI gates, dashboards, tests). Its
 * `declared` list holds each resource a deployment would create with its declared inputs, so a
 * recorded report is what `netseg audit --declared` compares a stack export with (drift).
 */
import type { DeclaredResource } from "../../../core/audit/drift";
import type { RecordedResource } from "../types";
import type { PreviewReport } from "./model";

export type { DeclaredResource };

/** The report's `declared` list: URN, type, name, provider id (the mock's) and declared inputs, in registration order. */
export function declaredResources(managed: readonly RecordedResource[]): DeclaredResource[] {
  return managed.map((r) => ({ urn: r.urn, type: r.type, name: r.name, custom: r.custom, ...(r.id ? { id: r.id } : {}), inputs: r.inputs }));
}

export function renderJson(report: PreviewReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}
