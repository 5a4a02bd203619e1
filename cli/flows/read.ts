/**
 * Streams flow-log files into a FlowAnalysis, line by line (gzip by its magic bytes, whatever the
 * file's name): a file whose first non-blank character is `[` is a JSON array of Cloud Logging
 * entries (read whole), `{` one entry per line, anything else AWS VPC flow log text. A file that
 * cannot be read at all (missing, broken gzip, a JSON array that does not parse, an AWS header
 * without the needed fields) is a FlowInputError: the command exits 2.
 */
import * as fs from "node:fs";
import { StringDecoder } from "node:string_decoder";
import * as zlib from "node:zlib";
import { AwsFlowLogReader, FlowInputError, readGcpEntry, readGcpLine, type FlowAnalysis } from "../../core/flows";

function isGzip(file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(2);
    return fs.readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

function code(err: unknown): string {
  return (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));
}

/** Every file of the given paths (a folder gives its files, sorted, not recursing into hidden ones). */
export function expandInputs(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (err) {
      throw new FlowInputError(`cannot read the flow log ${p} (${code(err)}); check the path`);
    }
    if (st.isDirectory()) {
      const files = fs.readdirSync(p).filter((f) => !f.startsWith(".")).sort().map((f) => `${p.replace(/\/$/, "")}/${f}`);
      out.push(...expandInputs(files));
    } else out.push(p);
  }
  return out;
}

export async function readFlowFile(file: string, analysis: FlowAnalysis, awsFields?: readonly string[]): Promise<void> {
  let gz: boolean;
  try {
    gz = isGzip(file);
  } catch (err) {
    throw new FlowInputError(`cannot read the flow log ${file} (${code(err)}); check the path`);
  }
  analysis.input(file);
  const raw = fs.createReadStream(file);
  const stream: NodeJS.ReadableStream = gz ? raw.pipe(zlib.createGunzip()) : raw;
  // The file's own errors reach the decompressor's iterator too: a read error ends the pipe.
  raw.on("error", (err) => (stream as zlib.Gunzip).destroy?.(err));
  let mode: "unknown" | "aws" | "gcp-lines" | "gcp-array" = "unknown";
  let aws: AwsFlowLogReader | undefined;
  const arrayText: string[] = [];
  let lineNo = 0;
  const onLine = (text: string) => {
    lineNo++;
    // A byte-order mark (Windows editors, some exports) is not part of the first field.
    const line = lineNo === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (mode === "unknown") {
      const t = line.trimStart();
      if (t === "") return analysis.add(undefined, { file, line: lineNo });
      mode = t[0] === "[" ? "gcp-array" : t[0] === "{" ? "gcp-lines" : "aws";
      if (mode === "aws") aws = new AwsFlowLogReader(file, awsFields);
    }
    const origin = { file, line: lineNo };
    if (mode === "aws") {
      let result;
      try {
        result = aws!.read(line, lineNo);
      } catch (err) {
        throw new FlowInputError(`${file}:${lineNo}: ${(err as Error).message}`);
      }
      analysis.add(result, origin);
    } else if (mode === "gcp-lines") analysis.add(readGcpLine(line, origin), origin);
    else arrayText.push(line);
  };
  const decoder = new StringDecoder("utf8");
  let rest = "";
  try {
    for await (const chunk of stream) {
      const text = rest + decoder.write(chunk as Buffer);
      let from = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", from)) {
        const end = nl > from && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        onLine(text.slice(from, end));
        from = nl + 1;
      }
      rest = text.slice(from);
    }
    rest += decoder.end();
    if (rest !== "") onLine(rest.endsWith("\r") ? rest.slice(0, -1) : rest);
  } catch (err) {
    if (err instanceof FlowInputError) throw err;
    throw new FlowInputError(`cannot read the flow log ${file} (${code(err)}${gz ? ": the gzip stream is broken" : ""})`);
  } finally {
    raw.destroy();
  }
  // `mode` is set inside onLine, which TypeScript does not follow.
  if ((mode as string) === "gcp-array") {
    let entries: unknown;
    try {
      entries = JSON.parse(arrayText.join("\n"));
    } catch (err) {
      throw new FlowInputError(`${file} starts as a JSON array of log entries but does not parse (${(err as Error).message}); export with \`gcloud logging read ... --format=json\`, or write one entry per line`);
    }
    if (!Array.isArray(entries)) throw new FlowInputError(`${file} is not a JSON array of log entries`);
    entries.forEach((e, i) => analysis.add(readGcpEntry(e, { file, line: i + 1 }), { file, line: i + 1 }));
  }
}
