/**
 * Which tool wrote a JSON document, from its shape alone (file names are not trusted): a Pulumi
 * stack export is `{version, deployment}`; kubectl writes objects with `apiVersion` and `kind`
 * (a `List` of them for several); gcloud `--format=json` writes an array of Compute Engine
 * resources, each with `kind: "compute#..."`; the AWS CLI writes an object whose top-level keys are
 * the output's PascalCase members (`Vpcs`, `SecurityGroups`, `NextToken`...).
 */
import { isStackExport } from "../stack-export";
import type { SourceFormat } from "../types";

export type Detected = { readonly format: SourceFormat } | { readonly unknown: string };

/** What each format looks like, for the error of a document in none of them. */
export const EXPECTED_SHAPES =
  "an AWS CLI output ({\"Vpcs\": [...]}, {\"SecurityGroups\": [...]}...), a gcloud --format=json list ([{\"kind\": \"compute#firewall\", ...}]), " +
  "a kubectl -o json object or List ({\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [...]}), or a pulumi stack export ({\"version\": 3, \"deployment\": {...}})";

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length} element(s)${v.length ? ` starting with ${describe(v[0])}` : ""}`;
  if (v === null) return "null";
  if (typeof v === "object") {
    const keys = Object.keys(v as object);
    return keys.length ? `an object with keys ${keys.slice(0, 5).map((k) => JSON.stringify(k)).join(", ")}${keys.length > 5 ? ", ..." : ""}` : "an empty object";
  }
  return `a ${typeof v} (${JSON.stringify(v)?.slice(0, 40)})`;
}

export function detectFormat(doc: unknown): Detected {
  if (Array.isArray(doc)) {
    // gcloud prints [] when a list is empty.
    if (doc.every((x) => typeof x === "object" && x !== null && typeof (x as Record<string, unknown>).kind === "string" && ((x as Record<string, unknown>).kind as string).startsWith("compute#"))) return { format: "gcloud" };
    return { unknown: `${describe(doc)}, not Compute Engine resources (each with "kind": "compute#...")` };
  }
  if (typeof doc !== "object" || doc === null) return { unknown: describe(doc) };
  const o = doc as Record<string, unknown>;
  if (isStackExport(o)) return { format: "pulumi-stack-export" };
  if (typeof o.apiVersion === "string" && typeof o.kind === "string") return { format: "kubectl" };
  const keys = Object.keys(o);
  if (keys.length && keys.every((k) => /^[A-Z][A-Za-z0-9]*$/.test(k)) && keys.some((k) => Array.isArray(o[k]))) return { format: "aws-cli" };
  return { unknown: describe(doc) };
}
