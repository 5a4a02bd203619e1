/**
 * netseg as a Pulumi component package: the provider process started as the Pulumi CLI starts it
 * (bin/netseg-provider.js, the engine's address as argument, the port printed on stdout) answers
 * GetSchema over gRPC with every component and input; Construct builds the same components a
 * TypeScript program builds, from the inputs another language sends; and the YAML example
 * program only uses what the schema declares.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { setupMocks, recorded, registeredAsStack, resetRecorded, settle, unwrap } from "../mocks";
setupMocks();
import { NetsegProvider } from "../../provider/provider";
import { SegmentedVpc, TenantVpcs } from "../../components/aws";
import { parseIntent } from "../../core/intent";
import { version } from "../../package.json";
import { fleetInput } from "../core/tenants/fixtures";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's generated gRPC stubs have no typed entry point
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const providerRpc = require("@pulumi/pulumi/proto/provider_grpc_pb") as { ResourceProviderClient: new (addr: string, creds: unknown) => any };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const providerPb = require("@pulumi/pulumi/proto/provider_pb") as { GetSchemaRequest: new () => { setVersion(v: number): void } };

const ROOT = path.join(__dirname, "..", "..");

/** The components a user of another language can declare, with every input each takes. */
const EXPECTED: Record<string, string[]> = {
  "netseg:aws:SegmentedVpc": ["intent", "vpc", "natGateways", "natZone", "availabilityZoneNames", "flowLogs", "routeTables", "gatewayEndpoints", "egressProxy", "naclEntryLimit", "sgRuleLimit", "ownRanges", "tags", "telemetry"],
  "netseg:aws:TenantVpcs": ["intent", "sharedServices", "ram", "layout", "vpc", "availabilityZoneNames", "tags"],
  "netseg:gcp:SegmentedNetwork": ["intent", "project", "regions", "targeting", "namePrefix", "networkName", "egressProxyRanges", "egressProxyPort", "telemetry"],
  "netseg:k8s:NamespaceIsolation": ["intent", "clusterGuardrails", "podSecurity", "dns", "egressProxy", "internetExcept", "istio", "cilium"],
  "netseg:k8s:TenantNamespaces": ["intent", "clusterGuardrails", "podSecurity", "dns", "egressProxy", "internetExcept", "istio", "cilium"],
};

function startProvider(): Promise<{ child: ChildProcess; port: number }> {
  // As the CLI launches a plugin: the engine's address as the argument (never dialled for GetSchema).
  const child = spawn(process.execPath, [path.join(ROOT, "bin", "netseg-provider.js"), "127.0.0.1:1"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`the provider exited (${code}) before printing its port: ${err}`)));
  });
}

describe("component package: the provider over gRPC", function () {
  let child: ChildProcess | undefined;
  after(() => child?.kill());

  it("answers GetSchema with every component, every input, typed and described", async () => {
    const started = await startProvider();
    child = started.child;
    const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
    const req = new providerPb.GetSchemaRequest();
    req.setVersion(0);
    const schemaText: string = await new Promise((resolve, reject) => client.getSchema(req, (e: Error | null, resp: any) => (e ? reject(e) : resolve(resp.getSchema()))));
    client.close();
    const schema = JSON.parse(schemaText);
    assert.equal(schema.name, "netseg");
    assert.equal(schema.version, version);
    assert.deepEqual(Object.keys(schema.resources).sort(), Object.keys(EXPECTED).sort());
    for (const [token, inputs] of Object.entries(EXPECTED)) {
      const r = schema.resources[token];
      assert.equal(r.isComponent, true, token);
      assert.deepEqual(Object.keys(r.inputProperties).sort(), [...inputs].sort(), `${token} inputs`);
      assert.deepEqual(r.requiredInputs, ["intent"], token);
      for (const [k, p] of Object.entries<any>({ ...r.inputProperties, ...r.properties })) {
        assert.ok(p.description?.length > 10, `${token}.${k} has a description`);
        assert.ok(p.type !== undefined || p.$ref !== undefined, `${token}.${k} has a type`);
        if (p.type === "array") assert.ok(p.items, `${token}.${k} items`);
        if (p.type === "object") assert.ok(p.additionalProperties, `${token}.${k} values`);
        if (p.$ref) assert.equal(p.$ref, "pulumi.json#/Any", `${token}.${k}: only the built-in Any is referenced`);
      }
      assert.ok(Object.keys(r.properties).length > 0, `${token} has outputs`);
      assert.deepEqual(r.required, Object.keys(r.properties), `${token}: every output is always set`);
    }
  });
});

describe("component package: Construct", () => {
  const provider = new NetsegProvider(version);
  const shopText = readFileSync(path.join(ROOT, "examples/intents/shop.yaml"), "utf8");

  beforeEach(async () => {
    await settle();
    resetRecorded();
  });

  it("builds a SegmentedVpc from the intent's text, with the same children a TypeScript program gets", async () => {
    const result = await provider.construct("cross", "netseg:aws:SegmentedVpc", { intent: shopText, natGateways: "single", availabilityZoneNames: ["us-east-1a", "us-east-1b", "us-east-1c"] }, {});
    const state = result.state as Record<string, pulumi.Input<unknown>>;
    const subnetIds = (await unwrap(state.subnetIds)) as Record<string, Record<string, string>>;
    assert.deepEqual(Object.keys(subnetIds).sort(), ["app", "data", "edge"]);
    assert.equal(Object.keys(subnetIds.app).length, 3);
    assert.match((await unwrap(state.vpcId)) as string, /.+/);
    const urn = await unwrap(result.urn as pulumi.Output<string>);
    assert.match(urn, /::netseg:aws:SegmentedVpc::cross$/);
    await settle();
    const fromProvider = recorded().filter((r) => r.name.startsWith("cross")).map((r) => `${r.type} ${r.name}`);
    resetRecorded();
    new SegmentedVpc("cross", { intent: path.join(ROOT, "examples/intents/shop.yaml"), natGateways: "single", availabilityZoneNames: ["us-east-1a", "us-east-1b", "us-east-1c"] });
    await settle();
    const direct = recorded().filter((r) => r.name.startsWith("cross")).map((r) => `${r.type} ${r.name}`);
    assert.ok(fromProvider.length > 20);
    assert.deepEqual(fromProvider.sort(), direct.sort());
  });

  it("builds TenantVpcs in windows of tenants, with the same children and outputs a TypeScript program's `new TenantVpcs` gets", async () => {
    const args = { intent: fleetInput(4), availabilityZoneNames: ["us-east-1a", "us-east-1b"] };
    const result = await provider.construct("winfleet", "netseg:aws:TenantVpcs", args, {});
    // Construct answers once every tenant is in: each tenant's resources already answered by the engine.
    assert.deepEqual(Object.keys((result.state as any).vpcIds).sort(), ["t001", "t002", "t003", "t004"]);
    const tenantVpcs = recorded().filter((r) => r.type === "aws:ec2/vpc:Vpc" && /^winfleet-t00\d$/.test(r.name));
    assert.equal(tenantVpcs.length, 4);
    assert.ok(tenantVpcs.every((r) => r.answeredAt !== undefined), "a tenant was still registering when Construct answered");
    await settle();
    const fromProvider = registeredAsStack();
    const vpcIds = await unwrap((result.state as any).vpcIds);
    resetRecorded();
    const direct = new TenantVpcs("winfleet", { ...args, intent: parseIntent(args.intent) });
    await settle();
    assert.deepEqual(fromProvider, registeredAsStack());
    assert.deepEqual(vpcIds, await unwrap(direct.vpcIds));
  });

  it("builds the GCP, Kubernetes and tenant components from intent objects", async () => {
    const gcp = await provider.construct("shop-gcp", "netseg:gcp:SegmentedNetwork", { intent: parse(shopText), regions: ["europe-west1"] }, {});
    assert.deepEqual(Object.keys((await unwrap((gcp.state as any).networkTags)) as object).sort(), ["app", "data", "edge"]);
    const k8sIntent = parse(readFileSync(path.join(ROOT, "examples/k8s-microservices/intent.yaml"), "utf8"));
    const k8s = await provider.construct("micro", "netseg:k8s:NamespaceIsolation", { intent: k8sIntent }, {});
    const names = (await unwrap((k8s.state as any).namespaceNames)) as Record<string, string>;
    assert.deepEqual(names, { microservices: "microservices" });
    const tenants = await provider.construct("fleet", "netseg:aws:TenantVpcs", { intent: fleetInput(3), availabilityZoneNames: ["us-east-1a", "us-east-1b"] }, {});
    const vpcIds = (await unwrap((tenants.state as any).vpcIds)) as Record<string, string>;
    assert.equal(Object.keys(vpcIds).length, 3);
    const onCluster = await provider.construct("fleet-ns", "netseg:k8s:TenantNamespaces", { intent: readFileSync(path.join(ROOT, "examples/k8s-tenants/intent.yaml"), "utf8") }, {});
    const byTenant = (await unwrap((onCluster.state as any).tenantNamespaces)) as Record<string, Record<string, string>>;
    assert.ok(Object.keys(byTenant).length >= 2 && Object.values(byTenant).every((z) => Object.keys(z).length > 0));
  });

  it("refuses what another language cannot mean, naming the input", async () => {
    await assert.rejects(provider.construct("x", "netseg:aws:Vpc", { intent: shopText }, {}), /no component netseg:aws:Vpc; it provides netseg:aws:SegmentedVpc/);
    await assert.rejects(provider.construct("x", "netseg:aws:SegmentedVpc", { intent: shopText, natGateway: "single" }, {}), /unknown input "natGateway"; it takes intent, vpc, natGateways/);
    await assert.rejects(provider.construct("x", "netseg:aws:SegmentedVpc", {}, {}), /input "intent": expected the intent document .* got nothing/);
    await assert.rejects(provider.construct("x", "netseg:aws:SegmentedVpc", { intent: pulumi.output(shopText) }, {}), /input "intent" must be a plain value, not the output of another resource/);
    await assert.rejects(provider.construct("x", "netseg:aws:SegmentedVpc", { intent: shopText.replace("10.20.0.0/16", "10.20.0.0/33") }, {}), /addressSpace/);
    await settle();
    assert.deepEqual(recorded().filter((r) => r.name.startsWith("x")), [], "nothing is created for a refused component");
  });
});

describe("component package: the YAML example program", () => {
  const dir = path.join(ROOT, "examples/yaml-program");
  const program = parse(readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));

  it("declares netseg components only with inputs and outputs the schema has", async () => {
    const served = JSON.parse(await new NetsegProvider(version).getSchema());
    assert.equal(program.runtime, "yaml");
    assert.equal(path.resolve(dir, program.packages.netseg), ROOT, "the package source is this repository");
    const netseg = Object.entries<any>(program.resources).filter(([, r]) => String(r.type).startsWith("netseg:"));
    assert.ok(netseg.length > 0);
    for (const [name, r] of netseg) {
      const decl = served.resources[r.type];
      assert.ok(decl, `${name}: ${r.type} is in the schema`);
      for (const k of Object.keys(r.properties)) assert.ok(k in decl.inputProperties, `${name}.${k} is an input of ${r.type}`);
      for (const k of decl.requiredInputs) assert.ok(k in r.properties, `${name} sets ${k}`);
    }
    for (const [out, expr] of Object.entries<string>(program.outputs)) {
      const m = /^\$\{(\w+)\.(\w+)\}$/.exec(expr);
      assert.ok(m, `${out} refers to a component output`);
      const decl = served.resources[program.resources[m[1]].type];
      assert.ok(m[2] in decl.properties, `${out}: ${m[2]} is an output of ${program.resources[m[1]].type}`);
    }
  });

  it("builds what the program declares, the intent read with fn::readFile", async () => {
    await settle();
    resetRecorded();
    const r = program.resources.shop;
    const inputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries<any>(r.properties)) {
      if (v && typeof v === "object" && "fn::readFile" in v) inputs[k] = readFileSync(path.join(dir, v["fn::readFile"]), "utf8");
      else if (typeof v === "string" && /^\$\{(\w+)\}$/.test(v)) inputs[k] = program.config[/^\$\{(\w+)\}$/.exec(v)![1]].default;
      else inputs[k] = v;
    }
    const result = await new NetsegProvider(version).construct("shop", r.type, inputs, {});
    const sgs = (await unwrap((result.state as any).securityGroupIds)) as Record<string, string>;
    assert.deepEqual(Object.keys(sgs).sort(), ["app", "data", "edge"]);
    await settle();
    await settle();
    const vpc = recorded().find((x) => x.type === "aws:ec2/vpc:Vpc" && x.name.startsWith("shop"));
    assert.equal(vpc?.inputs.tags.team, "platform", "the program's tags reach the VPC");
  });
});
