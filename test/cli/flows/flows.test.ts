import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { spawnSync } from "node:child_process";
import { flowsCommand, runFlows } from "../../../cli/flows";

const SHOP = "examples/intents/shop.yaml";
const F = "test/fixtures/flows";

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "netseg-flows-"));
}

/** Runs the command with stderr captured; the report goes to a file. */
async function run(logs: string[], opts: Parameters<typeof flowsCommand>[2] = {}): Promise<{ code: number; out: string; err: string }> {
  const dir = tmp();
  const output = path.join(dir, "report");
  const write = process.stderr.write.bind(process.stderr);
  let err = "";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await flowsCommand(SHOP, logs, { ...opts, output });
    return { code, out: fs.existsSync(output) ? fs.readFileSync(output, "utf8") : "", err };
  } finally {
    process.stderr.write = write;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("netseg flows", () => {
  it("reports the shop fixture's AWS default-format log: one unintended path, one accidental deny, every skipped line with file:line", async () => {
    const r = await runFlows(SHOP, [`${F}/shop-default.log`]);
    const appData = r.pairs.find((p) => p.from === "app" && p.to === "data")!;
    assert.deepEqual([appData.acceptedAllowed, appData.acceptedNotAllowed, appData.rejectedAllowed, appData.replies], [2, 1, 1, 1]);
    assert.deepEqual(appData.acceptedNotAllowedTraffic, [{ traffic: "tcp/22", records: 1 }]);
    assert.equal(r.pairs.find((p) => p.from === "internet" && p.to === "data")!.rejectedNotAllowed, 1);
    assert.equal(r.pairs.find((p) => p.from === "app" && p.to === "internet")!.allowedBy[0].basis, "egress-allow-list");
    assert.deepEqual(
      r.notAnalysed.map((n) => [n.reason, n.examples.map((e) => `${e.file}:${e.line}`)]),
      [
        ["no-data", [`${F}/shop-default.log:11`]],
        ["skip-data", [`${F}/shop-default.log:12`]],
        ["unknown-protocol", [`${F}/shop-default.log:13`]],
        ["unparseable", [`${F}/shop-default.log:14`]],
      ],
    );
    assert.equal(r.totals.lines, 14);
    assert.equal(r.summary.exitCode, 1);
  });

  it("reads a custom format from its header line, gzip or plain alike", async () => {
    const gz = await runFlows(SHOP, [`${F}/shop-custom.log.gz`]);
    const plain = await runFlows(SHOP, [`${F}/shop-custom.log`]);
    const anonymous = (r: object) => JSON.parse(JSON.stringify(r).replaceAll("shop-custom.log.gz", "shop-custom.log"));
    assert.deepEqual(anonymous(gz), anonymous(plain));
    assert.equal(gz.pairs.find((p) => p.from === "internet" && p.to === "app")!.acceptedNotAllowed, 1, "pkt-srcaddr names the real source");
    assert.equal(gz.pairs.find((p) => p.from === "app" && p.to === "data")!.rejectedAllowed, 1, "a rejected reply of app -> data tcp/5432");
    assert.deepEqual(gz.notAnalysed.map((n) => n.reason), ["within-zone"]);
  });

  it("reads GCP firewall rule logs (a JSON array) and VPC flow logs (one entry per line) together with AWS logs", async () => {
    const r = await runFlows(SHOP, [`${F}/shop-gcp-firewall.json`, `${F}/shop-gcp-vpc-flows.jsonl`, `${F}/shop-default.log`]);
    assert.deepEqual(r.inputs, [`${F}/shop-gcp-firewall.json`, `${F}/shop-gcp-vpc-flows.jsonl`, `${F}/shop-default.log`]);
    const appData = r.pairs.find((p) => p.from === "app" && p.to === "data")!;
    assert.equal(appData.rejectedAllowed, 2, "GCP tcp/6379 DENIED + AWS tcp/6379 REJECT");
    assert.equal(r.pairs.find((p) => p.from === "edge" && p.to === "data")!.acceptedNotAllowed, 1);
    assert.equal(r.pairs.find((p) => p.from === "data" && p.to === "internet")!.rejectedNotAllowed, 1);
    const why = Object.fromEntries(r.notAnalysed.map((n) => [n.reason, n.count]));
    assert.equal(why["unknown-action"], 1, "INTERCEPTED");
    assert.equal(why.unparseable, 3, "a broken JSON line, a syslog entry, a pasted line");
  });

  it("reads every file of a folder", async () => {
    const dir = tmp();
    fs.copyFileSync(`${F}/shop-default.log`, path.join(dir, "a.log"));
    fs.writeFileSync(path.join(dir, "b.log.gz"), zlib.gzipSync(fs.readFileSync(`${F}/shop-default.log`)));
    const r = await runFlows(SHOP, [dir]);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(r.inputs.length, 2);
    assert.equal(r.totals.analysed, 20);
  });

  it("exit codes: 1 with findings, 0 clean, 2 for unreadable input, each with a clear message", async () => {
    assert.equal((await run([`${F}/shop-default.log`])).code, 1);
    const dir = tmp();
    const clean = path.join(dir, "clean.log");
    fs.writeFileSync(clean, "2 1 eni-1 198.51.100.7 10.20.0.10 51000 443 6 1 1 1 1 ACCEPT OK\n2 1 eni-1 198.51.100.7 10.20.32.9 51000 22 6 1 1 1 1 REJECT OK\n");
    const ok = await run([clean], { format: "json" });
    assert.equal(ok.code, 0);
    assert.equal(JSON.parse(ok.out).totals.analysed, 2);
    const missing = await run([path.join(dir, "nope.log")]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read the flow log .*nope\.log \(ENOENT\); check the path/);
    const broken = path.join(dir, "broken.log.gz");
    fs.writeFileSync(broken, zlib.gzipSync(fs.readFileSync(`${F}/shop-default.log`)).subarray(0, 60));
    const b = await run([broken]);
    assert.equal(b.code, 2);
    assert.match(b.err, /broken\.log\.gz .*gzip stream is broken/);
    const header = path.join(dir, "header.log");
    fs.writeFileSync(header, "version srcaddr dstaddr srcport dstport protocol\n");
    const h = await run([header]);
    assert.equal(h.code, 2);
    assert.match(h.err, /header\.log:1: .*has no action/);
    const junk = path.join(dir, "junk.log");
    fs.writeFileSync(junk, "hello\nworld\n");
    const j = await run([junk]);
    assert.equal(j.code, 2, "nothing analysed is not a pass");
    assert.match(j.err, /nothing was checked/);
    const badArray = path.join(dir, "bad.json");
    fs.writeFileSync(badArray, "[ {\"a\": 1}, \n");
    assert.match((await run([badArray])).err, /starts as a JSON array .* does not parse/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("markdown and text carry the same figures", async () => {
    const md = (await run([`${F}/shop-default.log`], { format: "markdown" })).out;
    assert.match(md, /^## shop netseg flows/);
    assert.match(md, /\| app \| data \| 2 \| 1 \| 1 \| 0 \| 1 replies; unintended: tcp\/22 x1; denied but allowed: tcp\/6379 x1 \|/);
    const text = (await run([`${F}/shop-default.log`], { format: "text" })).out;
    assert.match(text, /app\s+data\s+2\s+1\s+1\s+0\s+1 replies/);
    assert.match(text, /data\s+5\s+2\s+40\.0%\s+1/);
    assert.match(text, /shop-default\.log:14: 6 fields where the format has 14/);
  });

  it("reads a custom format whose header follows a byte-order mark, with CRLF line ends", async () => {
    const dir = tmp();
    const f = path.join(dir, "bom.log");
    fs.writeFileSync(f, "\ufeffsrcaddr dstaddr srcport dstport protocol action\r\n10.20.16.20 10.20.32.30 45001 5432 6 ACCEPT\r\n");
    const r = await runFlows(SHOP, [f]);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(r.totals.analysed, 1);
    assert.equal(r.pairs[0].acceptedAllowed, 1);
  });

  it("runs as `netseg flows` from the command line, with the exit code of its findings", () => {
    const res = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", "flows", SHOP, `${F}/shop-default.log`, "--format", "json"], { encoding: "utf8" });
    assert.equal(res.status, 1, res.stderr);
    assert.equal(JSON.parse(res.stdout).totals.acceptedNotAllowed, 1);
    assert.match(res.stderr, /netseg flows: shop: 10 records analysed, 1 accepted but not allowed, 1 rejected but allowed, 4 not analysed/);
    const bad = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", "flows", SHOP, `${F}/shop-default.log`, "--ephemeral-ports", "nonsense"], { encoding: "utf8" });
    assert.equal(bad.status, 2);
  });

  it("reads a header-less custom format with --aws-fields", async () => {
    const dir = tmp();
    const f = path.join(dir, "cwl.log");
    fs.writeFileSync(f, "vpc-1 10.20.16.20 10.20.32.30 45001 5432 6 ACCEPT OK\n");
    const r = await runFlows(SHOP, [f], { awsFields: "vpc-id srcaddr dstaddr srcport dstport protocol action log-status" });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(r.pairs.find((p) => p.from === "app" && p.to === "data")!.acceptedAllowed, 1);
  });
});
