/**
 * A pack none of whose stack policies applies to a stack (each declares the types without which
 * it is not applicable) is sent the stack without its resources; every other pack the whole stack.
 * That holds only if a stack rule without its types reads nothing and reports nothing, whatever
 * else the stack holds: checked here for every stack rule netseg ships.
 */
import assert from "node:assert/strict";
import { resourceTypesOf } from "../../../cli/preview/pack-launcher";
import { analyzeStack, type ConfiguredPack } from "../../../cli/preview/enforce";
import { analyzerProto } from "../../../cli/preview/packs";
import type { RecordedResource } from "../../../cli/preview/types";
import { rulesByPack } from "../../../policy-packs/rules";
import type { NetsegStackPolicy } from "../../../policy-packs/rules/define";
import { runStack } from "../../policy-packs/harness";

function resource(index: number, type: string): RecordedResource {
  const name = `r${index}`;
  return {
    index,
    urn: `urn:pulumi:dev::p::${type}::${name}`,
    type,
    name,
    custom: true,
    inputs: {},
    outputs: { cidrBlock: "10.0.0.0/16", ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] },
    dependencies: [],
    propertyDependencies: {},
    options: { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [], customTimeouts: { create: 0, update: 0, delete: 0 } },
  };
}

/** A pack whose gRPC client records how many resources each analyzeStack request carried. */
function fakePack(name: string, stackTypes?: readonly string[]): { cp: ConfiguredPack; received: number[] } {
  const received: number[] = [];
  const client = {
    makeUnaryRequest(_path: string, serialize: (b: Uint8Array) => Buffer, _deserialize: unknown, request: Uint8Array, _o: unknown, cb: (e: Error | null, r: unknown) => void) {
      received.push(analyzerProto.AnalyzeStackRequest.deserializeBinary(serialize(request)).getResourcesList().length);
      cb(null, new analyzerProto.AnalyzeResponse());
    },
  };
  const cp = {
    pack: { dir: `/packs/${name}`, client, callTimeoutMs: 1000 },
    info: { name, version: "1.0.0", policies: [] },
    config: {},
    ...(stackTypes ? { stackTypes: new Set(stackTypes) } : {}),
  } as unknown as ConfiguredPack;
  return { cp, received };
}

describe("preview: a stack no stack policy of a pack applies to", () => {
  it("is sent to that pack without its resources; packs it may apply to, or that declare nothing, get it whole", async () => {
    const stack = [resource(0, "aws:ec2/vpc:Vpc"), resource(1, "aws:ec2/securityGroup:SecurityGroup"), resource(2, "aws:ec2/subnet:Subnet")];
    const gcp = fakePack("gcp", ["gcp:compute/firewall:Firewall"]);
    const aws = fakePack("aws", ["aws:ec2/securityGroup:SecurityGroup", "aws:ec2/networkAcl:NetworkAcl"]);
    const undeclared = fakePack("user");
    await analyzeStack(stack, [gcp.cp, aws.cp, undeclared.cp], {});
    assert.deepEqual(gcp.received, [0]);
    assert.deepEqual(aws.received, [3]);
    assert.deepEqual(undeclared.received, [3]);
  });

  it("netseg's four packs declare the types of every stack rule", () => {
    for (const pack of ["netseg-aws", "netseg-gcp", "netseg-kubernetes", "netseg-conformance"] as const) {
      assert.notEqual(resourceTypesOf(rulesByPack[pack]).stackTypes, null, pack);
    }
    const own = { name: "own", description: "d", validateStack: () => undefined };
    assert.equal(resourceTypesOf([...rulesByPack["netseg-gcp"], own]).stackTypes, null, "a stack policy without declared types makes the answer unknown");
  });

  // Every type any netseg rule names: a stack of all of them but the rule's own.
  const everyType = [...new Set(Object.values(rulesByPack).flatMap((policies) => resourceTypesOf(policies).stackTypes ?? []))];
  for (const [pack, policies] of Object.entries(rulesByPack)) {
    for (const policy of policies.filter((p): p is NetsegStackPolicy => "validateStack" in p)) {
      it(`${pack}/${policy.name}: without its types, not applicable and silent, whatever else the stack holds`, async () => {
        const own = new Set(resourceTypesOf([policy]).stackTypes ?? []);
        assert.ok(own.size > 0, "declares its types");
        const others = everyType.filter((t) => !own.has(t));
        const out = await runStack(
          policy,
          others.map((type, i) => ({ type, name: `r${i}`, props: resource(i, type).outputs })),
        );
        assert.ok(out.notApplicable, `not applicable: ${JSON.stringify(out)}`);
        assert.deepEqual(out.violations, []);
      });
    }
  }
});
