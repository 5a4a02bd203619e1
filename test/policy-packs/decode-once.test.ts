/**
 * decodeEachResourceOnce (policy-packs/rules/decode-once.ts): @pulumi/policy's analyzer server
 * decodes each resource once per call instead of once per policy, and netseg's rules share the
 * copies and the stack index built from it. Driven through the server's own Analyze and
 * AnalyzeStack handlers, with requests encoded as `netseg preview` sends them, on the stacks
 * three examples register (broken in places so that rules report): the same diagnostics as the
 * server's own decode, each resource decoded once, and no policy of any pack writing to what it
 * was given (every policy after it would see the write).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { analyzeRequest, stackRequestBytes } from "../../cli/preview/enforce";
import { analyzerProto, structProto } from "../../cli/preview/packs";
import { loadProject } from "../../cli/preview/project";
import { runProgram } from "../../cli/preview/program";
import type { RecordedResource } from "../../cli/preview/types";
import { rulesByPack } from "../../policy-packs/rules";
import { decodeEachResourceOnce } from "../../policy-packs/rules/decode-once";

/* eslint-disable @typescript-eslint/no-require-imports -- the server and decoder a pack runs */
const server = require("@pulumi/policy/server") as Record<"makeAnalyzeRpcFun" | "makeAnalyzeStackRpcFun", (name: string, version: string, level: string, policies: unknown[]) => (call: { request: unknown }, cb: (err: unknown, resp?: any) => void) => Promise<void>>;
const decoder = require("@pulumi/policy/deserialize") as { deserializeProperties: (struct: object, proxySecrets: boolean) => Record<string, unknown> };
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = path.resolve(__dirname, "../..");

/** Each example with changes that make several rules of its packs report. */
const EXAMPLES: Record<string, (rs: RecordedResource[]) => void> = {
  "aws-three-tier": (rs) => {
    const sg = rs.find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup")!;
    for (const p of [sg.inputs, sg.outputs]) p.ingress = [...((p.ingress as unknown[]) ?? []), { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }];
    const nacl = rs.find((r) => r.type === "aws:ec2/networkAcl:NetworkAcl")!;
    for (const p of [nacl.inputs, nacl.outputs]) p.ingress = [{ ruleNo: 1, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" }, ...((p.ingress as unknown[]) ?? [])];
    const subnet = rs.find((r) => r.type === "aws:ec2/subnet:Subnet")!;
    subnet.inputs.mapPublicIpOnLaunch = subnet.outputs.mapPublicIpOnLaunch = true;
    rs.splice(rs.findIndex((r) => r.type === "aws:ec2/flowLog:FlowLog"), 1);
  },
  "gcp-three-tier": (rs) => {
    const fw = rs.find((r) => r.type === "gcp:compute/firewall:Firewall" && r.inputs.direction !== "EGRESS" && Array.isArray(r.inputs.allows))!;
    for (const p of [fw.inputs, fw.outputs]) {
      Object.assign(p, { sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["22"] }] });
      delete p.sourceTags;
    }
  },
  "k8s-microservices": (rs) => {
    const np = rs.find((r) => r.name.endsWith("frontend-policy"))!;
    for (const p of [np.inputs, np.outputs]) {
      const spec = p.spec as { egress?: unknown[] };
      spec.egress = [...(spec.egress ?? []), { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }];
    }
  },
};

type Decode = typeof decoder.deserializeProperties;

/** Every diagnostic the server's handlers return for the stack, resource by resource then the stack. */
async function judge(resources: RecordedResource[], policies: unknown[]): Promise<string[]> {
  const analyze = server.makeAnalyzeRpcFun("p", "1.0.0", "advisory", policies);
  const analyzeStack = server.makeAnalyzeStackRpcFun("p", "1.0.0", "advisory", policies);
  const call = (fn: typeof analyze, request: unknown) =>
    new Promise<string[]>((resolve, reject) => {
      void fn({ request }, (err, resp) => (err ? reject(err) : resolve(resp.getDiagnosticsList().map((d: { toObject(): unknown }) => JSON.stringify(d.toObject())))));
    });
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const providers = new Map<string, unknown>();
  const out: string[] = [];
  for (const r of resources) {
    if (!r.custom || r.read) continue;
    out.push(...(await call(analyze, analyzerProto.AnalyzeRequest.deserializeBinary(analyzeRequest(r, r.inputs, byUrn, providers)))));
  }
  out.push(...(await call(analyzeStack, analyzerProto.AnalyzeStackRequest.deserializeBinary(stackRequestBytes(resources, {}, byUrn)))));
  return out;
}

describe("decodeEachResourceOnce: one decode per resource and call, shared by the pack's policies", function () {
  this.timeout(120_000);
  const original: Decode = decoder.deserializeProperties;
  /** What the decoder was asked, in order (struct, result). */
  let decodes: { struct: object; props: Record<string, unknown> }[] = [];
  const counting: Decode = (struct, proxySecrets) => {
    const props = original(struct, proxySecrets);
    decodes.push({ struct, props });
    return props;
  };
  const stacks = new Map<string, RecordedResource[]>();

  before(async () => {
    for (const [example, breakIt] of Object.entries(EXAMPLES)) {
      const { resources } = await runProgram(loadProject(path.join(ROOT, "examples", example)));
      const copy = structuredClone(resources) as RecordedResource[];
      breakIt(copy);
      stacks.set(example, copy);
    }
  });
  beforeEach(() => {
    decoder.deserializeProperties = counting;
    decodes = [];
  });
  afterEach(() => {
    decoder.deserializeProperties = original;
  });

  for (const example of Object.keys(EXAMPLES)) {
    it(`${example}: every pack reports the same, decoding each resource once, and no policy writes to what it reads`, async () => {
      const resources = stacks.get(example)!;
      for (const [pack, rules] of Object.entries(rulesByPack)) {
        decoder.deserializeProperties = counting;
        decodes = [];
        const plain = await judge(resources, [...rules]);
        const plainDecodes = decodes.length;
        assert.equal(decodeEachResourceOnce(), true);
        decodes = [];
        const once = await judge(resources, [...rules]);
        assert.deepEqual(once, plain, `${pack} on ${example}: the diagnostics changed`);
        const structs = new Set(decodes.map((d) => d.struct));
        assert.equal(decodes.length, structs.size, `${pack} on ${example}: a resource was decoded twice in one call`);
        assert.ok(decodes.length <= plainDecodes);
        // Every policy ran on the shared objects: had one written to them, they would differ from a fresh decode.
        for (const d of decodes) assert.deepEqual(d.props, original(d.struct, false), `${pack} on ${example}: a policy changed the properties it was given`);
      }
      assert.ok((await judge(resources, [...rulesByPack["netseg-aws"], ...rulesByPack["netseg-gcp"], ...rulesByPack["netseg-kubernetes"]])).length > 0, "the broken stack made no rule report: the comparison above showed nothing");
    });
  }

  it("the AWS pack's stack policies decode a stack once, not once each", async () => {
    const resources = stacks.get("aws-three-tier")!;
    const rules = rulesByPack["netseg-aws"].filter((p) => "validateStack" in p);
    assert.ok(rules.length >= 10);
    const stackOnly = async () => {
      decodes = [];
      const analyzeStack = server.makeAnalyzeStackRpcFun("p", "1.0.0", "advisory", [...rules]);
      const request = analyzerProto.AnalyzeStackRequest.deserializeBinary(stackRequestBytes(resources, {}, new Map(resources.map((r) => [r.urn, r]))));
      await new Promise((resolve, reject) => void analyzeStack({ request }, (err, resp) => (err ? reject(err) : resolve(resp))));
      return decodes.length;
    };
    // @pulumi/policy skips a policy marked with one type the stack does not hold, before decoding anything.
    const applicable = rules.filter((p) => {
      const only = (p.validateStack as { __pulumiType?: string }).__pulumiType;
      return only === undefined || resources.some((r) => r.type === only);
    }).length;
    const before = await stackOnly();
    assert.equal(decodeEachResourceOnce(), true);
    const after = await stackOnly();
    // Once per resource (its properties, and its provider's, which each resource's message carries).
    assert.ok(after >= resources.length && after <= 2 * resources.length, `${after} decodes for ${resources.length} resources`);
    assert.equal(before, after * applicable);
    assert.ok(applicable >= 10);
  });

  it("leaves a remediation's decode (secrets kept in a proxy) to the server, and wraps only once", () => {
    assert.equal(decodeEachResourceOnce(), true);
    const wrapped = decoder.deserializeProperties;
    assert.equal(decodeEachResourceOnce(), true);
    assert.equal(decoder.deserializeProperties, wrapped);
    const struct = structProto.Struct.fromJavaScript({ a: { b: 1 } });
    decodes = [];
    wrapped(struct, true);
    wrapped(struct, true);
    assert.equal(decodes.length, 2);
    assert.equal(wrapped(struct, false), wrapped(struct, false));
    assert.equal(decodes.length, 3);
  });
});
