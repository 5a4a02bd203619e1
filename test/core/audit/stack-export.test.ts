/**
 * The `pulumi stack export` reader: deployed values over inputs, secrets, version 3 only,
 * components and providers counted as no network resources, resources the cloud does not hold
 * listed with the reason, and security-group rules and routes that the provider lists both in the
 * group (table) and as separate resources read once.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { NOT_NETWORK, readStackExport, readStackExportText, SECRET_SIG, SIG_KEY } from "../../../core/audit/stack-export";
import { InventoryError } from "../../../core/audit/types";
import { readInventoryFile } from "../../../core/audit/readers";

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "audit", "stack-export");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const urn = (type: string, name: string) => `urn:pulumi:prod::net::${type}::${name}`;
const SG = "aws:ec2/securityGroup:SecurityGroup";

function exportOf(resources: object[], version: unknown = 3): Record<string, unknown> {
  return { version, deployment: { manifest: { time: "2026-12-01T00:00:00Z", magic: "x", version: "v3.205.0" }, secrets_providers: { type: "passphrase", state: {} }, resources } };
}

function custom(type: string, name: string, id: string, inputs: object, outputs: object = inputs): Record<string, unknown> {
  return { urn: urn(type, name), custom: true, id, type, inputs, outputs, dependencies: [], propertyDependencies: {} };
}

describe("core/audit/stack-export", () => {
  it("reads the shop export: every custom resource, the stack, components and providers counted apart, nothing skipped", () => {
    const file = path.join(FIXTURES, "shop.export.json");
    const r = readStackExportText(file, fs.readFileSync(file, "utf8"));
    assert.equal(r.format, "pulumi-stack-export");
    assert.equal(r.resources.length, 104);
    assert.equal(r.counts[NOT_NETWORK], 4);
    assert.equal(r.counts["aws:ec2/subnet:Subnet"], 15);
    assert.deepEqual(r.skipped, []);
    assert.ok(r.resources.every((x) => !x.type.startsWith("pulumi:") && x.id !== undefined));
  });

  it("takes deployed values (outputs) over inputs, keeps what only the inputs hold, reads the provider's empty strings as unset", () => {
    const r = readStackExport(
      "f.json",
      exportOf([custom("aws:ec2/subnet:Subnet", "a", "subnet-1", { cidrBlock: "10.0.0.0/24", vpcId: "vpc-1" }, { cidrBlock: "10.0.9.0/24", ipv6CidrBlock: "", tags: { Name: "" } })]),
    );
    assert.deepEqual(r.resources[0].props, { cidrBlock: "10.0.9.0/24", vpcId: "vpc-1", tags: {} });
  });

  it("opens plaintext secrets (a JSON text) and reads ciphertext ones as unknown, counting them", () => {
    const secret = (v: object) => ({ [SIG_KEY]: SECRET_SIG, ...v });
    const r = readStackExport(
      "f.json",
      exportOf([custom(SG, "web", "sg-1", {}, { ingress: secret({ plaintext: JSON.stringify([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }]) }), description: secret({ ciphertext: "v1:abc" }) })]),
    );
    const props = r.resources[0].props!;
    assert.deepEqual(props.ingress, [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }]);
    assert.equal(props.description, UNKNOWN);
    assert.equal(r.counts["encrypted secret values (read as unknown)"], 1);
  });

  it("refuses another deployment version with the file, the line of `version` and what is expected", () => {
    const text = JSON.stringify(exportOf([], 2), null, 2);
    assert.throws(
      () => readStackExportText("old.json", text),
      (e: unknown) => e instanceof InventoryError && e.file === "old.json" && /^line 2, column 3/.test(e.position) && /deployment version 3/.test(e.expected) && /version 2/.test(e.message),
    );
    // The readers' detection sends a stack export here too.
    assert.throws(() => readInventoryFile("old.json", text), InventoryError);
  });

  it("is an InventoryError, not a crash, for a truncated export", () => {
    const text = JSON.stringify(exportOf([custom(SG, "web", "sg-1", {})]), null, 2);
    assert.throws(() => readInventoryFile("cut.json", text.slice(0, 200)), (e: unknown) => e instanceof InventoryError && /truncated/.test(e.message) && /^line \d+, column \d+$/.test(e.position));
  });

  it("counts providers and components as no network resources, and lists what the cloud does not hold with the reason", () => {
    const r = readStackExport(
      "f.json",
      exportOf([
        { urn: urn("pulumi:pulumi:Stack", "net-prod"), custom: false, type: "pulumi:pulumi:Stack", outputs: {} },
        { urn: urn("pulumi:providers:aws", "default"), custom: true, id: "p-1", type: "pulumi:providers:aws", inputs: {}, outputs: {} },
        { urn: urn("netseg:aws:SegmentedVpc", "shop"), custom: false, type: "netseg:aws:SegmentedVpc", outputs: {} },
        { ...custom(SG, "old", "sg-old", {}), delete: true },
        { ...custom(SG, "gone", "sg-gone", {}), pendingReplacement: true },
        { custom: true, type: SG },
        custom(SG, "web", "sg-1", {}),
      ]),
    );
    assert.equal(r.counts[NOT_NETWORK], 3);
    assert.deepEqual(r.resources.map((x) => x.name), ["web"]);
    assert.deepEqual(
      r.skipped.map((s) => [s.at, s.kind]),
      [
        ["$.deployment.resources[3]", SG],
        ["$.deployment.resources[4]", SG],
        ["$.deployment.resources[5]", SG],
      ],
    );
    assert.match(r.skipped[0].reason, /awaiting deletion/);
    assert.match(r.skipped[1].reason, /pendingReplacement/);
    assert.match(r.skipped[2].reason, /"urn"/);
  });

  it("reads a rule the provider lists in the group and as a rule resource once; a rule only the group holds stays", () => {
    const rule = (name: string, props: object) => custom("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, `sgr-${name}`, props);
    const r = readStackExport(
      "f.json",
      exportOf([
        custom(SG, "web", "sg-1", { description: "web" }, {
          description: "web",
          ingress: [
            { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0", "10.0.0.0/8"], ipv6CidrBlocks: [], prefixListIds: [], securityGroups: [], self: false, description: "" },
            { protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: [], ipv6CidrBlocks: [], prefixListIds: [], securityGroups: [], self: true, description: "" },
          ],
        }),
        rule("https", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }),
        rule("self", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 8080, toPort: 8080, referencedSecurityGroupId: "sg-1" }),
        custom("aws:ec2/routeTable:RouteTable", "rt", "rtb-1", {}, { routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }, { cidrBlock: "10.9.0.0/16", transitGatewayId: "tgw-1" }] }),
        custom("aws:ec2/route:Route", "default", "r-rtb-1", { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }),
        custom(SG, "inline", "sg-2", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }] }),
        custom("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "also", "sgr-also", { securityGroupId: "sg-2", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" }),
      ]),
    );
    const by = (name: string) => r.resources.find((x) => x.name === name)!.props!;
    // 0.0.0.0/0 on 443 and self on 8080 are the rule resources'; 10.0.0.0/8 on 443 was added outside the program.
    // (the provider's "" for an unset description is no value)
    assert.deepEqual(by("web").ingress, [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"], ipv6CidrBlocks: [], prefixListIds: [], securityGroups: [], self: false }]);
    assert.deepEqual(by("rt").routes, [{ cidrBlock: "10.9.0.0/16", transitGatewayId: "tgw-1" }]);
    // A list the program declared inline is its own: left as it stands.
    assert.deepEqual(by("inline").ingress, [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }]);
  });

  it("keeps exactly the (protocol, ports, peer) the group lists and no rule resource manages (random rules, brute-force reference)", () => {
    const peer = fc.oneof(
      fc.constantFrom("0.0.0.0/0", "10.0.0.0/8", "192.168.1.0/24").map((v) => ({ kind: "cidr" as const, v })),
      fc.constantFrom("sg-2", "sg-3", "sg-1").map((v) => ({ kind: "sg" as const, v })),
    );
    const atom = fc.record({ protocol: fc.constantFrom("tcp", "udp", "-1"), port: fc.constantFrom(22, 443), peer });
    fc.assert(
      fc.property(fc.array(atom, { maxLength: 8 }), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (atoms, managedFlags) => {
        const key = (a: { protocol: string; port: number; peer: { kind: "cidr" | "sg"; v: string } }) => `${a.protocol}|${a.protocol === "-1" ? "*" : a.port}|${a.peer.kind === "sg" && a.peer.v === "sg-1" ? "self" : `${a.peer.kind}:${a.peer.v}`}`;
        const entries = atoms.map((a) => ({
          protocol: a.protocol,
          fromPort: a.protocol === "-1" ? 0 : a.port,
          toPort: a.protocol === "-1" ? 0 : a.port,
          cidrBlocks: a.peer.kind === "cidr" ? [a.peer.v] : [],
          securityGroups: a.peer.kind === "sg" && a.peer.v !== "sg-1" ? [a.peer.v] : [],
          self: a.peer.kind === "sg" && a.peer.v === "sg-1",
        }));
        const managed = atoms.filter((_, i) => managedFlags[i]);
        const rules = managed.map((a, i) =>
          custom("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `r${i}`, `sgr-${i}`, {
            securityGroupId: "sg-1",
            ipProtocol: a.protocol,
            ...(a.protocol === "-1" ? {} : { fromPort: a.port, toPort: a.port }),
            ...(a.peer.kind === "cidr" ? { cidrIpv4: a.peer.v } : { referencedSecurityGroupId: a.peer.v }),
          }),
        );
        const r = readStackExport("f.json", exportOf([custom(SG, "g", "sg-1", {}, { ingress: entries }), ...rules]));
        const left = (r.resources[0].props!.ingress ?? []) as typeof entries;
        const got = new Set(
          left.flatMap((e) => [
            ...e.cidrBlocks.map((v) => key({ protocol: e.protocol, port: e.fromPort, peer: { kind: "cidr", v } })),
            ...e.securityGroups.map((v) => key({ protocol: e.protocol, port: e.fromPort, peer: { kind: "sg", v } })),
            ...(e.self ? [key({ protocol: e.protocol, port: e.fromPort, peer: { kind: "sg", v: "sg-1" } })] : []),
          ]),
        );
        const managedKeys = new Set(managed.map(key));
        const expected = new Set(atoms.map(key).filter((k) => !managedKeys.has(k)));
        assert.deepEqual([...got].sort(), [...expected].sort());
      }),
      { numRuns: 300 },
    );
  });
});
