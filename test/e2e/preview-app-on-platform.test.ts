/**
 * `netseg preview` as a user runs it on examples/app-on-platform: an application team's
 * instances, Aurora cluster, Lambda function and internal ALB in the shop platform's zones,
 * judged as workloads of their own; and a copy broken in one place (the database's group admits
 * the edge zone's group), which must fail with exit 1 naming that rule.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(ROOT, "examples", "app-on-platform");
const BROKEN = path.join(ROOT, "examples", `.tmp-app-on-platform-${process.pid}`);

const BREAK = `
// Deliberate break: a reporting job in the edge zone gets at the orders database directly.
new aws.vpc.SecurityGroupIngressRule("orders-db-from-edge", {
  securityGroupId: dbSg.id,
  referencedSecurityGroupId: zoneSg("edge"),
  ipProtocol: "tcp",
  fromPort: 5432,
  toPort: 5432,
  description: "reporting from the edge",
});
`;

function preview(dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin", "netseg.js"), "preview", dir, "--format", "json"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

interface JsonFinding {
  kind: string;
  severity: string;
  message: string;
  urns?: string[];
}

describe("netseg preview on examples/app-on-platform and a broken copy (subprocess)", function () {
  this.timeout(240_000);
  let clean: Awaited<ReturnType<typeof preview>>;
  let broken: Awaited<ReturnType<typeof preview>>;
  before(async () => {
    fs.mkdirSync(BROKEN, { recursive: true });
    for (const f of fs.readdirSync(EXAMPLE)) fs.copyFileSync(path.join(EXAMPLE, f), path.join(BROKEN, f));
    fs.appendFileSync(path.join(BROKEN, "index.ts"), BREAK);
    [clean, broken] = await Promise.all([preview(EXAMPLE), preview(BROKEN)]);
  });
  after(() => fs.rmSync(BROKEN, { recursive: true, force: true }));

  const findings = (run: { stdout: string }): JsonFinding[] => JSON.parse(run.stdout).analyses.flatMap((a: { findings: JsonFinding[] }) => a.findings);

  it("the example: exit 0, each workload an endpoint in its zone, every path intended", () => {
    assert.equal(clean.code, 0, clean.stderr);
    const section = JSON.parse(clean.stdout).analyses.find((a: { id: string }) => a.id === "reachability");
    const rows: string[] = section.matrix.rows.map((r: string) => r.trim());
    for (const w of ["aws:app/ec2:orders-api-1", "aws:app/ec2:orders-api-2", "aws:app/lambda:orders-settle", "aws:app/lb:orders", "aws:data/rds:orders"]) assert.ok(rows.includes(w), rows.join(", "));
    assert.deepEqual(findings(clean).filter((f) => f.severity === "error"), []);
  });

  it("the broken copy: exit 1, a latent path into the database naming the group rule", () => {
    assert.equal(broken.code, 1, broken.stderr);
    const errors = findings(broken).filter((f) => f.severity === "error");
    assert.equal(errors.length, 1, JSON.stringify(errors, null, 2));
    assert.equal(errors[0].kind, "latent-path");
    assert.match(errors[0].message, /aws:data\/rds:orders admits aws:edge on tcp\/5432, which the intent does not allow .* by orders-db-from-edge ingress/);
    assert.ok(errors[0].urns!.some((u) => u.endsWith("::orders-db-from-edge")), JSON.stringify(errors[0].urns));
  });
});
