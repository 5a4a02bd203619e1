/**
 * Reading intents from YAML or JSON text and files. YAML syntax errors become IntentErrors
 * with a line and column, so the CLI prints them like any other problem. So does hostile YAML:
 * an alias bomb ("billion laughs": anchors whose aliases multiply on expansion) is refused at
 * {@link MAX_ALIAS_COUNT} expanded aliases, and a document too deep to convert is refused too,
 * each as a clear problem instead of a crash.
 */
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { IntentError } from "./errors";
import { parseIntent } from "./validate";
import type { Intent } from "./types";

/**
 * The most aliases (`*name`) one intent may expand, counted as the yaml library counts them
 * (an alias inside an aliased node counts each time it is expanded). An intent reuses an anchor
 * for a port list or a zone template a few times; a count in the hundreds is only reached by a
 * document built to blow up when expanded.
 */
export const MAX_ALIAS_COUNT = 100;

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
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const aliasBomb = err instanceof ReferenceError && /alias/i.test(err.message);
    throw new IntentError(
      [
        aliasBomb
          ? {
              path: "",
              message: `the YAML's aliases (*name) expand to more than ${MAX_ALIAS_COUNT} copies, which is how a document built to exhaust memory looks ("billion laughs")`,
              fix: "write the repeated values out, or reuse each anchor only a few times",
            }
          : {
              path: "",
              message: `the YAML could not be converted to data (${err instanceof Error ? err.message : String(err)})`,
              fix: "simplify the document: nest less deeply and avoid aliases",
            },
      ],
      source,
    );
  }
  return parseIntent(data, source);
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
