/**
 * Growth of every kind on examples/saas-tenants, registered as TenantVpcs under the mocks: every
 * resource that existed keeps its URN (type, name, parent), and its inputs change only where AWS
 * updates in place (a NACL's subnets and entries, an attachment's subnets, a gateway endpoint's
 * route tables). A subnet, VPC, route or security-group rule whose inputs changed would be
 * replaced; none may.
 */
import assert from "node:assert/strict";
import { setupMocks, recorded, resetRecorded, settle, type RecordedResource } from "../../mocks";
setupMocks();
import { TenantVpcs } from "../../../components/aws/tenants";
import { parseIntent, type IntentInput } from "../../../core/intent";
import { exampleInput, GROWTH } from "../../core/tenants/example";

const AZS = ["us-east-1a", "us-east-1b", "us-east-1c"];

/** Inputs AWS changes without replacing the resource (ModifyVpcEndpoint, ModifyTransitGatewayVpcAttachment, NACL entry and association calls). */
const IN_PLACE: Readonly<Record<string, readonly string[]>> = {
  "aws:ec2/networkAcl:NetworkAcl": ["subnetIds", "ingress", "egress"],
  "aws:ec2/vpcEndpoint:VpcEndpoint": ["routeTableIds"],
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment": ["subnetIds"],
};

/** The example with its first three tenants (every tenant is planned alike; the core test covers all 50). */
function smallFleet(): IntentInput {
  const input = exampleInput();
  input.tenants!.members = input.tenants!.members.slice(0, 3);
  return input;
}

async function register(input: IntentInput): Promise<Map<string, RecordedResource>> {
  await settle();
  resetRecorded();
  new TenantVpcs("saas", { intent: parseIntent(input), availabilityZoneNames: AZS });
  await settle();
  return new Map(recorded().map((r) => [r.urn, r]));
}

/** What adding something did to the resources that existed before: `type name: inputs` that would replace them, or `gone`. */
function replacements(before: ReadonlyMap<string, RecordedResource>, after: ReadonlyMap<string, RecordedResource>): string[] {
  const out: string[] = [];
  for (const [urn, r] of before) {
    const a = after.get(urn);
    if (!a) {
      out.push(`${r.type} ${r.name}: gone`);
      continue;
    }
    const keys = new Set([...Object.keys(r.inputs), ...Object.keys(a.inputs)]);
    const changed = [...keys].filter((k) => JSON.stringify(r.inputs[k]) !== JSON.stringify(a.inputs[k]) && !(IN_PLACE[r.type] ?? []).includes(k));
    if (changed.length) out.push(`${r.type} ${r.name}: ${changed.map((k) => `${k} ${JSON.stringify(r.inputs[k])} -> ${JSON.stringify(a.inputs[k])}`).join("; ")}`);
  }
  return out;
}

describe("components/aws/tenants growth on examples/saas-tenants (mocks)", function () {
  this.timeout(120_000);
  let base: Map<string, RecordedResource>;
  before(async () => {
    base = await register(smallFleet());
  });

  for (const [what, grow] of Object.entries(GROWTH)) {
    it(`adding ${what} keeps every resource's name and replaces none`, async () => {
      const input = smallFleet();
      grow(input);
      const after = await register(input);
      assert.deepEqual(replacements(base, after), []);
      assert.ok(after.size > base.size, `adding ${what} registers something new`);
      const subnets = [...base.values()].filter((r) => r.type === "aws:ec2/subnet:Subnet");
      assert.ok(subnets.length >= 3 * 3 * 2 + 3 * 2, "every tenant's zone and transit subnets are compared");
      for (const s of subnets) assert.deepEqual(after.get(s.urn)!.inputs, s.inputs, `${s.name} unchanged`);
    });
  }
});
