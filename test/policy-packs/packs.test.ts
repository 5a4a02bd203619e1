/**
 * The packs as a whole: every rule file registered, rows 1-32 covered, names unique, example
 * configs valid against each rule's zod options, the README table in step with the rules, and
 * one pack started the real way (the SDK's run-policy-pack launcher) and driven over gRPC.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { awsRules } from "../../policy-packs/rules/aws";
import { readConfig } from "../../policy-packs/rules/config";
import { conformanceRules } from "../../policy-packs/rules/conformance";
import type { NetsegPolicy, NetsegResourcePolicy, NetsegStackPolicy } from "../../policy-packs/rules/define";
import { gcpRules } from "../../policy-packs/rules/gcp";
import { kubernetesRules } from "../../policy-packs/rules/kubernetes";
import { runStack, U } from "./harness";

const ROOT = path.resolve(__dirname, "../..");
const PACKS: Record<string, NetsegPolicy[]> = { aws: awsRules, gcp: gcpRules, kubernetes: kubernetesRules, conformance: conformanceRules };
const isPolicy = (v: unknown): v is NetsegPolicy => typeof v === "object" && v !== null && "name" in v && ("validateResource" in v || "validateStack" in v);

describe("policy packs", () => {
  it("register every rule a rule file exports, each once, under a unique name", () => {
    const seen = new Set<string>();
    for (const [cloud, rules] of Object.entries(PACKS)) {
      const dir = path.join(ROOT, "policy-packs/rules", cloud);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "all.ts" && f !== "index.ts").flatMap((f) => Object.values(require(path.join(dir, f)) as Record<string, unknown>).filter(isPolicy));
      assert.deepEqual(exported.map((r) => r.name).sort(), rules.map((r) => r.name), `${cloud}: a rule file's policy is not in the pack's list`);
      for (const r of rules) {
        assert.ok(!seen.has(r.name), `${r.name} registered twice`);
        seen.add(r.name);
      }
    }
  });

  it("cover RULES.md rows 1 to 32", () => {
    const rows = new Set(Object.values(PACKS).flat().flatMap((r) => r.covers.rows));
    const missing = Array.from({ length: 32 }, (_, i) => i + 1).filter((r) => !rows.has(r));
    assert.deepEqual(missing, []);
  });

  it("each pack directory is a CrossGuard pack with a versioned package.json", () => {
    for (const cloud of Object.keys(PACKS)) {
      const dir = path.join(ROOT, "policy-packs", cloud);
      assert.match(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
      assert.match(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version, /^\d+\.\d+\.\d+$/);
      assert.match(fs.readFileSync(path.join(dir, "index.ts"), "utf8"), /new PolicyPack\("netseg-[a-z-]+", \{ policies: \w+ \}\);/);
    }
  });

  it("the example configs name only the pack's rules, with valid levels and options", () => {
    for (const cloud of ["aws", "gcp", "kubernetes", "conformance"]) {
      const file = path.join(ROOT, "policy-packs/examples", `${cloud}-policy-config.json`);
      const config = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
      for (const [name, value] of Object.entries(config)) {
        const rule = PACKS[cloud].find((r) => r.name === name);
        assert.ok(rule, `${file}: ${name} is not a rule of the ${cloud} pack`);
        const { enforcementLevel, ...options } = typeof value === "string" ? { enforcementLevel: value } : (value as Record<string, unknown>);
        if (enforcementLevel !== undefined) assert.ok(["advisory", "mandatory", "remediate", "disabled"].includes(enforcementLevel as string));
        assert.doesNotThrow(() => readConfig(name, rule.options, options));
      }
    }
  });

  it("rejects a bad option with the rule, the field and the fix", () => {
    assert.throws(() => readConfig(awsRules[0].name, awsRules.find((r) => r.name === "netseg-aws-sg-no-internet-admin-ports")!.options, { adminPorts: ["ssh"] }), /adminPorts\.0: must be a port spec such as tcp\/22[^]*policy-config\.json/);
  });

  it("a stack rule with nothing to judge says so through notApplicable, as the engine expects", async () => {
    const rule = awsRules.find((r) => r.name === "netseg-aws-vpc-flow-logs") as NetsegStackPolicy;
    const out = await runStack(rule, [{ type: "gcp:compute/network:Network", name: "n", props: {} }]);
    assert.match(out.notApplicable ?? "", /no resource of type aws:ec2\/vpc:Vpc/);
    assert.deepEqual(out.violations, []);
  });

  it("single-type rules carry the type @pulumi/policy uses to skip other resources undecoded", () => {
    // The reader the policy server itself uses for its fast path (what validateResourceOfType sets).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { getPulumiType } = require("@pulumi/policy/policy") as { getPulumiType: (f: unknown) => string | undefined };
    const resourceRules = [...awsRules, ...gcpRules, ...kubernetesRules].filter((r): r is NetsegResourcePolicy => "validateResource" in r);
    const marked = new Map(resourceRules.map((r) => [r.name, getPulumiType(r.validateResource)]));
    assert.equal(marked.get("netseg-gcp-subnet-flow-logs"), "gcp:compute/subnetwork:Subnetwork");
    assert.equal(marked.get("netseg-k8s-no-allow-all"), "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    // a rule over two types must see both: no mark
    assert.equal(marked.get("netseg-gcp-vm-no-external-ip"), undefined);
    // stack rules: the server skips a stack without that type before decoding its resources
    const stackRules = [...awsRules, ...gcpRules, ...kubernetesRules].filter((r): r is NetsegStackPolicy => "validateStack" in r);
    const stackMarked = new Map(stackRules.map((r) => [r.name, getPulumiType(r.validateStack)]));
    assert.equal(stackMarked.get("netseg-aws-vpc-flow-logs"), "aws:ec2/vpc:Vpc");
    assert.equal(stackMarked.get("netseg-gcp-firewall-no-wide-ports"), "gcp:compute/firewall:Firewall");
    assert.equal(stackMarked.get("netseg-aws-sg-no-internet-admin-ports"), undefined);
    assert.ok([...marked.values(), ...stackMarked.values()].filter(Boolean).length >= 12, "most rules name one type");
  });

  it("the README table lists every rule with its default level", () => {
    const readme = fs.readFileSync(path.join(ROOT, "policy-packs/README.md"), "utf8");
    for (const r of [...awsRules, ...gcpRules, ...kubernetesRules]) {
      const row = readme.split("\n").find((l) => l.startsWith(`| \`${r.name}\``));
      assert.ok(row, `README has no row for ${r.name}`);
      assert.ok(row.includes(`| ${r.enforcementLevel} |`), `README row for ${r.name} does not say ${r.enforcementLevel}`);
    }
  });
});

/** Starts a pack with the SDK's launcher from its own directory and resolves its port. */
function startPack(dir: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (d) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.stderr?.on("data", (d) => (err += d));
    child.on("exit", (code) => reject(new Error(`pack exited with ${code}: ${err}`)));
  });
}

describe("policy packs started the real way", function () {
  this.timeout(120_000);
  let pack: { port: number; child: ChildProcess } | undefined;
  after(() => pack?.child.kill());

  it("the AWS pack serves its rules over gRPC and reports a world-open SSH rule joined to its group by URN", async () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const grpc = require("@grpc/grpc-js");
    const rpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
    const pb = require("@pulumi/pulumi/proto/analyzer_pb");
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
    const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
    /* eslint-enable @typescript-eslint/no-require-imports */
    pack = await startPack(path.join(ROOT, "policy-packs/aws"));
    const client = new rpc.AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure());
    const call = <T>(method: string, req: unknown) => new Promise<T>((res, rej) => client[method](req, (e: Error | null, r: T) => (e ? rej(e) : res(r))));
    const info = await call<any>("getAnalyzerInfo", new Empty());
    assert.equal(info.getName(), "netseg-aws");
    assert.deepEqual(info.getPoliciesList().map((p: any) => p.getName()), awsRules.map((r) => r.name));

    const urn = (t: string, n: string) => `urn:pulumi:dev::netseg::${t}::${n}`;
    const sgUrn = urn("aws:ec2/securityGroup:SecurityGroup", "web");
    const resource = (type: string, name: string, props: object, propDeps: Record<string, string[]> = {}) => {
      const r = new pb.AnalyzerResource();
      r.setType(type);
      r.setName(name);
      r.setUrn(urn(type, name));
      r.setProperties(Struct.fromJavaScript(props));
      r.setOptions(new pb.AnalyzerResourceOptions());
      r.setDependenciesList(Object.values(propDeps).flat());
      for (const [k, v] of Object.entries(propDeps)) {
        const d = new pb.AnalyzerPropertyDependencies();
        d.setUrnsList(v);
        r.getPropertydependenciesMap().set(k, d);
      }
      return r;
    };
    const req = new pb.AnalyzeStackRequest();
    req.setResourcesList([
      resource("aws:ec2/securityGroup:SecurityGroup", "web", { description: "web", ingress: [] }),
      resource("aws:ec2/securityGroupRule:SecurityGroupRule", "ssh", { type: "ingress", securityGroupId: U, protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0", U], description: "ssh" }, { securityGroupId: [sgUrn] }),
    ]);
    const res = await call<any>("analyzeStack", req);
    const admin = res.getDiagnosticsList().filter((d: any) => d.getPolicyname() === "netseg-aws-sg-no-internet-admin-ports");
    assert.equal(admin.length, 1);
    assert.match(admin[0].getMessage(), /security group web allows 0\.0\.0\.0\/0 to admin port tcp\/22 \(via rule ssh\)/);
    assert.equal(admin[0].getUrn(), sgUrn);
    assert.ok(!res.getDiagnosticsList().some((d: any) => /can't run policy/.test(d.getMessage())), "no policy gave up on an unknown value");
  });
});
