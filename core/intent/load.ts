/**
 * Reading intents from YAML or JSON text and files. YAML syntax errors become IntentErrors
 * with a line and column, so the CLI prints them like any other problem.
 */
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { IntentError } from "./errors";
import { parseIntent } from "./validate";
import type { Intent } from "./types";

export function parseIntentText(text: string, source = "intent"): Intent {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new IntentError(
      doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "",
        message: `YAML syntax: ${e.message.split("\n")[0].replace(/[:.\s]+$/, "")}`,
        fix: "correct the YAML syntax at that position",
      })),
      source,
    );
  }
  return parseIntent(doc.toJS(), source);
}

export function loadIntentFile(path: string): Intent {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e: any) {
    throw new IntentError([{ path: "", value: path, message: `cannot read the intent file (${e.code ?? e.message})`, fix: "check the path" }], path);
  }
  return parseIntentText(text, path);
}
