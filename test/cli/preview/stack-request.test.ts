/**
 * analyzeStack's request is encoded resource by resource (stackRequestBytes) instead of as one
 * message tree: the bytes must be exactly those of the whole AnalyzeStackRequest message holding
 * the same resource messages, serialized at once, whatever the resources hold (providers shared
 * by many resources, parents, property dependencies, remediated inputs, unicode, resources whose
 * encoding needs a length of one, two or three varint bytes). What each resource's message holds
 * is checked against real packs in packs.test.ts.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { stackRequestBytes, stackResource } from "../../../cli/preview/enforce";
import { analyzerProto } from "../../../cli/preview/packs";
import type { RecordedResource } from "../../../cli/preview/types";

const OPTIONS = { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [], customTimeouts: { create: 0, update: 0, delete: 0 } };

/** The reference: every resource's message in one AnalyzeStackRequest, serialized once. */
function wholeMessage(resources: readonly RecordedResource[], remediated: Record<string, Record<string, unknown>>): Uint8Array {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const providers = new Map<string, unknown>();
  const req = new analyzerProto.AnalyzeStackRequest();
  for (const r of resources) req.addResources(stackResource(r, byUrn, remediated, providers));
  return req.serializeBinary();
}

function stack(sizes: readonly number[], withProvider: boolean): RecordedResource[] {
  const provider: RecordedResource = {
    index: 0,
    urn: "urn:pulumi:dev::p::pulumi:providers:aws::default",
    type: "pulumi:providers:aws",
    name: "default",
    custom: true,
    defaultProvider: true,
    inputs: { region: "eu-west-1", version: "6.0.0" },
    outputs: { region: "eu-west-1" },
    dependencies: [],
    propertyDependencies: {},
    options: OPTIONS,
  };
  const out: RecordedResource[] = withProvider ? [provider] : [];
  sizes.forEach((size, i) => {
    const urn = `urn:pulumi:dev::p::aws:ec2/subnet:Subnet::s${i}`;
    out.push({
      index: out.length,
      urn,
      type: "aws:ec2/subnet:Subnet",
      name: `s${i}`,
      custom: true,
      inputs: { cidrBlock: `10.${i % 256}.0.0/24` },
      outputs: { cidrBlock: `10.${i % 256}.0.0/24`, tags: { note: "ü→".repeat(size) }, mapPublicIpOnLaunch: i % 2 === 0, n: i },
      ...(withProvider ? { provider: provider.urn } : {}),
      ...(i > 0 ? { parent: out[out.length - 1].urn } : {}),
      dependencies: i > 0 ? [out[out.length - 1].urn] : [],
      propertyDependencies: { cidrBlock: i > 0 ? [out[out.length - 1].urn] : [], vpcId: [] },
      options: i % 3 === 0 ? { ...OPTIONS, protect: true, deleteBeforeReplace: true, aliases: ["urn:old"] } : OPTIONS,
    });
  });
  return out;
}

describe("preview: the analyzeStack request, encoded resource by resource", () => {
  it("is byte for byte the whole AnalyzeStackRequest message, with lengths of one to three varint bytes", () => {
    // 0 and 10 stay under 128 bytes of resource; 40 needs a two-byte length; 9,000 a three-byte one.
    const resources = stack([0, 10, 40, 9000, 3], true);
    const remediated = { [resources[2].urn]: { mapPublicIpOnLaunch: false } };
    const bytes = stackRequestBytes(resources, remediated);
    assert.deepEqual(Buffer.from(bytes), Buffer.from(wholeMessage(resources, remediated)));
    const decoded = analyzerProto.AnalyzeStackRequest.deserializeBinary(bytes).getResourcesList();
    assert.equal(decoded.length, resources.length);
    assert.equal(decoded[2].getProperties().toJavaScript().mapPublicIpOnLaunch, false);
    assert.equal(decoded[4].getProvider().getUrn(), resources[0].urn);
  });

  it("is empty for an empty stack, as the whole message is", () => {
    assert.deepEqual(Buffer.from(stackRequestBytes([])), Buffer.from(wholeMessage([], {})));
  });

  it("agrees with the whole message on random stacks", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 6 }), fc.boolean(), (sizes, withProvider) => {
        const resources = stack(sizes, withProvider);
        assert.deepEqual(Buffer.from(stackRequestBytes(resources)), Buffer.from(wholeMessage(resources, {})));
      }),
      { numRuns: 40 },
    );
  });
});
