/**
 * `netseg audit` end to end through the real entry (`bin/netseg.js`): exit 0 for the clean shop
 * export, 1 for the drifted one, 2 for input it cannot read (an export of another deployment
 * version, a truncated file, a file in no format), each fault one paragraph naming the file, the
 * position and what was expected.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..", "..");
const entry = path.join(ROOT, "bin", "netseg.js");
const FIXTURES = path.join("test", "fixtures", "audit", "stack-export");
const INTENT = path.join("examples", "intents", "shop.yaml");

function netseg(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [entry, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneParagraph(stderr: string, ...mentions: RegExp[]): void {
  const text = stderr.trim();
  assert.match(text, /^error: /);
  for (const m of mentions) assert.match(text, m);
  assert.equal(text.split("\n").length, 1, `expected one paragraph, got:\n${text}`);
  assert.doesNotMatch(text, /\n\s+at /);
}

describe("netseg audit (subprocess)", function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-audit-e2e-"));

  it("exits 0 for the unmodified export, drift 0 on stderr beside a JSON report", () => {
    const r = netseg("audit", INTENT, "--from", path.join(FIXTURES, "shop.export.json"), "--declared", path.join(FIXTURES, "shop.preview.json"), "--format", "json");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).audit.drift.count, 0);
    assert.match(r.stderr, /^PASS: drift 0, 104 resources read from 1 file/);
  });

  it("exits 1 for the drifted export, the text report naming the three changes", () => {
    const r = netseg("audit", INTENT, "--from", path.join(FIXTURES, "shop.drifted.export.json"), "--declared", path.join(FIXTURES, "shop.preview.json"));
    assert.equal(r.code, 1, r.stderr);
    assert.equal((r.stdout.match(/ERROR drift-changed: /g) ?? []).length, 3);
    assert.match(r.stdout, /\nFAIL: drift 3, /);
  });

  it("exits 2 for an export of another deployment version, naming file, position and expected version", () => {
    const file = path.join(tmp, "v2.json");
    fs.writeFileSync(file, JSON.stringify({ version: 2, deployment: { manifest: {}, resources: [] } }, null, 2));
    const r = netseg("audit", INTENT, "--from", file);
    assert.equal(r.code, 2);
    assertOneParagraph(r.stderr, /v2\.json/, /unsupported deployment version 2/, /line 2, column 3/, /expected deployment version 3/);
  });

  it("exits 2 for a truncated export and for a file in no format", () => {
    const cut = path.join(tmp, "cut.json");
    fs.writeFileSync(cut, fs.readFileSync(path.join(ROOT, FIXTURES, "shop.export.json"), "utf8").slice(0, 5000));
    const r = netseg("audit", INTENT, "--from", cut);
    assert.equal(r.code, 2);
    assertOneParagraph(r.stderr, /cut\.json/, /truncated JSON/, /line \d+, column \d+/);
    const odd = path.join(tmp, "odd.json");
    fs.writeFileSync(odd, JSON.stringify({ hello: "world" }));
    const o = netseg("audit", INTENT, "--from", odd);
    assert.equal(o.code, 2);
    assertOneParagraph(o.stderr, /odd\.json/, /expected .*pulumi stack export/);
  });

  it("exits 2 without an intent unless drafting, and writes the draft with --draft-intent", () => {
    const r = netseg("audit", "--from", path.join(FIXTURES, "shop.export.json"));
    assert.equal(r.code, 2);
    assertOneParagraph(r.stderr, /needs the intent/, /--draft-intent/);
    const out = path.join(tmp, "draft.yaml");
    const d = netseg("audit", "--draft-intent", out, "--from", path.join(FIXTURES, "shop.export.json"));
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stderr, /Drafted .*draft\.yaml: 3 zones, 0 peers, 3 flows \(0 marked TOO WIDE\), 1 findings left in its header/);
    // Against its draft the state shows no unintended path; the one latent path (listed in the
    // draft's header) still fails the audit, as it should.
    const a = netseg("audit", out, "--from", path.join(FIXTURES, "shop.export.json"));
    assert.equal(a.code, 1, a.stdout);
    assert.doesNotMatch(a.stdout, /unintended-path/);
    assert.equal((a.stdout.match(/ERROR latent-path: /g) ?? []).length, 1);
    assert.match(fs.readFileSync(out, "utf8"), /still shows[^\n]*\n# {3}aws:app admits internet on tcp\/8443/);
  });
});
