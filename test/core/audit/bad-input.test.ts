/**
 * Bad input is an InventoryError naming the file, the position and what was expected (the CLI
 * exits 2 on it): not JSON, JSON cut short, JSON of no known shape, tools mixed in one file, an
 * empty file, a `.gz` that is not gzip, a path that does not exist. Plus a brute-force check of
 * the document splitter: any JSON values written one after the other come back as they were, and
 * any cut inside a document is an error, never a silently shorter inventory.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { parseJsonDocuments, readInventory, readInventoryFile } from "../../../core/audit/readers";
import { InventoryError } from "../../../core/audit/types";

function error(fn: () => unknown): InventoryError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InventoryError, `an InventoryError, got ${String(err)}`);
    return err;
  }
  assert.fail("no error thrown");
}

describe("audit readers: bad input", () => {
  it("not JSON: the file, line 1 column 1, and what the formats look like", () => {
    const e = error(() => readInventoryFile("inv/notes.txt", "hello, this is not an inventory\n"));
    assert.equal(e.file, "inv/notes.txt");
    assert.equal(e.position, "line 1, column 1");
    assert.match(e.expected, /valid JSON/);
    assert.match(e.message, /^inv\/notes\.txt: not JSON: .* at line 1, column 1; expected valid JSON/);
  });

  it("a stray character inside a document: its line and column", () => {
    const e = error(() => readInventoryFile("vpcs.json", '{\n  "Vpcs": [\n    {"VpcId": "vpc-1",}\n  ]\n}\n'));
    assert.equal(e.position, "line 3, column 23");
    assert.match(e.message, /^vpcs\.json: not JSON/);
  });

  it("truncated JSON: the end of the file, and the bracket that was expected with where it was opened", () => {
    const text = '{\n  "SecurityGroups": [\n    {"GroupId": "sg-1", "IpPermissions": [\n';
    const e = error(() => readInventoryFile("sgs.json", text));
    assert.equal(e.position, "line 4, column 1");
    assert.equal(e.expected, '"]" to close the array opened at line 3, column 42');
    assert.match(e.message, /truncated JSON: the file ends inside a document/);
    const inString = error(() => readInventoryFile("sgs.json", '{"SecurityGroups": [{"GroupId": "sg-'));
    assert.match(inString.message, /ends inside a document at line 1, column 37; expected a closing quote for the string opened at line 1, column 33/);
  });

  it("JSON of no known shape: where the document starts, and the shapes that are read", () => {
    const e = error(() => readInventoryFile("x.json", '{"Vpcs": []}\n{"vpcs": [1]}\n'));
    assert.equal(e.position, "line 2 (document 2)");
    assert.match(e.message, /JSON of no known shape: an object with keys "vpcs"/);
    assert.match(e.expected, /AWS CLI output .* gcloud .* kubectl .* pulumi stack export/);
    assert.match(error(() => readInventoryFile("a.json", "[1, 2]")).message, /an array of 2 element\(s\) starting with a number/);
    assert.match(error(() => readInventoryFile("n.json", "42")).message, /a number \(42\)/);
  });

  it("two tools in one file, an empty file, another stack export version", () => {
    assert.match(error(() => readInventoryFile("mix.json", '{"Vpcs": []}\n[{"kind": "compute#network"}]')).message, /a gcloud document after aws-cli ones at line 2 \(document 2\); expected documents of one tool per file/);
    assert.match(error(() => readInventoryFile("empty.json", " \n")).message, /the file is empty at line 1, column 1/);
    const v2 = error(() => readInventoryFile("stack.json", JSON.stringify({ version: 2, deployment: { manifest: {}, resources: [] } })));
    assert.equal(v2.file, "stack.json");
  });

  it("files on disk: a .gz that is not gzip, a missing path, a folder with no inventory file", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "netseg-audit-"));
    writeFileSync(path.join(dir, "vpcs.json.gz"), '{"Vpcs": []}');
    await assert.rejects(readInventory([path.join(dir, "vpcs.json.gz")]), (e: unknown) => e instanceof InventoryError && /not gzip/.test(e.message));
    await assert.rejects(readInventory([path.join(dir, "nope.json")]), (e: unknown) => e instanceof InventoryError && /no such file or folder/.test(e.message));
    const empty = mkdtempSync(path.join(os.tmpdir(), "netseg-audit-"));
    writeFileSync(path.join(empty, "README.md"), "x");
    await assert.rejects(readInventory([empty]), (e: unknown) => e instanceof InventoryError && /no inventory file in the folder/.test(e.message));
  });

  it("brute force: documents written one after another come back whole, and every cut inside one is an error", () => {
    const container = fc.oneof(fc.array(fc.jsonValue(), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue(), { maxKeys: 4 }));
    fc.assert(
      fc.property(fc.array(container, { minLength: 1, maxLength: 4 }), fc.array(fc.constantFrom(" ", "\n", "\t", "\r\n"), { minLength: 4, maxLength: 4 }), fc.boolean(), (docs, gaps, pretty) => {
        const texts = docs.map((d) => JSON.stringify(d, null, pretty ? 2 : undefined));
        const text = texts.map((t, i) => t + gaps[i % gaps.length]).join("");
        const parsed = parseJsonDocuments("f.json", text);
        assert.deepEqual(parsed.map((p) => p.value), docs.map((d) => JSON.parse(JSON.stringify(d))));
        const last = texts[texts.length - 1];
        const start = text.lastIndexOf(last);
        for (let cut = start + 1; cut < start + last.length; cut += Math.max(1, Math.floor(last.length / 7))) {
          assert.throws(() => parseJsonDocuments("f.json", text.slice(0, cut)), InventoryError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
