/**
 * examples/saas-tenants under the preview's mocks (as examples.test.ts records examples): the
 * tenants' VPCs share zone names, so their zones are told apart by the `netseg:tenant` tag
 * (`aws:acme/app`). No tenant reaches another; every tenant zone reaches shared services on the
 * shared ports (through its route to the transit gateway), and each intent the components
 * carry (per tenant, and shared services') holds. The isolation rests on the transit gateway's
 * tables too: a VPC route from one tenant to another through the gateway (filters opened) is
 * still stopped by the tenant table's pool blackhole, and only a TGW route to the other tenant's
 * attachment (both ways) opens the path.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { runProgram } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import { loadIntentFile } from "../../../core/intent";
import { TrafficSet } from "../../../core/net/ports";
import { analyseReachability, compareWithIntent, componentPlatform, componentTenant, explainBlocked, mergeScoped, type Matrix, type NetResource, type ScopedIntent } from "../../../core/reachability";

const ROOT = path.resolve(__dirname, "../../..");

describe("reachability / examples/saas-tenants: tenants apart, shared services reached", function () {
  let matrix: Matrix;
  let intents: ScopedIntent[];
  let recorded: NetResource[];
  const fleet = loadIntentFile(path.join(ROOT, "examples/saas-tenants/intent.yaml"));
  const shared = TrafficSet.fromSpecs(fleet.tenants!.sharedServices.ports);

  before(async function () {
    this.timeout(300_000);
    const { resources } = await runProgram(loadProject(path.join(ROOT, "examples", "saas-tenants"), "dev"));
    recorded = resources;
    intents = mergeScoped(
      resources
        .filter((r) => r.type.startsWith("netseg:") && (r.inputs.intent || r.outputs.intent || (r.outputs.plan as { intent?: unknown } | undefined)?.intent))
        .flatMap((r) => {
          const intent = r.outputs.intent ?? (r.outputs.plan as { intent?: unknown } | undefined)?.intent ?? r.inputs.intent;
          if (typeof intent !== "object" || intent === null) return [];
          const tenant = componentTenant(r.inputs.tags);
          return [{ intent: intent as ScopedIntent["intent"], platforms: [componentPlatform(r.type)!], ...(tenant ? { tenant } : {}) }];
        }),
    );
    matrix = analyseReachability(resources, { intents });
  });

  it("tells the tenants' zones apart", () => {
    const tenants = new Set(matrix.endpoints.filter((e) => e.tenant).map((e) => e.tenant));
    assert.equal(tenants.size, fleet.tenants!.members.length);
    assert.ok(matrix.endpoints.some((e) => e.id === "aws:acme/app"));
  });

  it("has no tenant-to-tenant path", () => {
    const crossing = matrix.pairs.filter((p) => {
      const a = matrix.endpoints.find((e) => e.id === p.from)!;
      const b = matrix.endpoints.find((e) => e.id === p.to)!;
      return a.tenant && b.tenant && a.tenant !== b.tenant && !p.possible.isEmpty();
    });
    assert.deepEqual(crossing.map((p) => `${p.from} -> ${p.to}: ${p.possible}`), []);
  });

  it("lets every tenant zone reach shared services on the shared ports, and nothing more", () => {
    const services = matrix.endpoints.filter((e) => e.zone === "services" && !e.tenant);
    assert.equal(services.length, 1);
    const zones = matrix.endpoints.filter((e) => e.tenant);
    const wrong = zones.map((z) => [z.id, matrix.pair(z.id, services[0].id)!.allowed.toString()]).filter(([, t]) => t !== shared.toString());
    assert.deepEqual(wrong, []);
  });

  it("holds every component's intent, each on its tenant's zones", () => {
    // Each tenant's intent is found on its tenant's zones (the one tenant inside its address space).
    const tenantIntents = intents.filter((s) => fleet.tenants!.members.some((m) => s.intent.name === `${fleet.name}-${m.name}`));
    assert.equal(tenantIntents.length, fleet.tenants!.members.length);
    for (const s of tenantIntents) {
      const r = compareWithIntent(matrix, s.intent, { platforms: s.platforms });
      assert.deepEqual(r.unresolved, [], s.intent.name);
    }
    const findings = intents.flatMap((s) => {
      const r = compareWithIntent(matrix, s.intent, { platforms: s.platforms, tenant: s.tenant });
      return [...r.unintended, ...r.accidentalDenies, ...r.internetToSensitive].map((f) => `${s.intent.name}: ${f.message}`);
    });
    assert.deepEqual(findings, []);
  });

  describe("the transit gateway's tables are consulted", () => {
    /** The recorded resource of `type` (last token segment) named `name`. */
    const find = (rs: readonly NetResource[], type: string, name: string) => {
      const r = rs.find((x) => x.type.endsWith(`:${type}`) && x.name === name);
      assert.ok(r, `${type} ${name} recorded`);
      return r;
    };
    const added = (type: string, name: string, inputs: Record<string, unknown>, deps: Record<string, string[]>): NetResource => ({
      type,
      name,
      urn: `urn:pulumi:dev::saas-tenants::${type}::${name}`,
      id: `${name}-id`,
      inputs,
      dependencies: [...new Set(Object.values(deps).flat())],
      propertyDependencies: deps,
    });
    const block = (rs: readonly NetResource[], tenant: string) => find(rs, "Vpc", `saas-${tenant}`).inputs!.cidrBlock as string;
    const idOf = (r: NetResource) => r.id!;

    /** acme's app and globex's app with their filters opened to each other, and VPC routes to the gateway both ways. */
    function opened(): NetResource[] {
      const rs = recorded.map((r) => r);
      const tgw = find(rs, "TransitGateway", "saas-tgw");
      const extra: NetResource[] = [];
      for (const [me, other] of [["acme", "globex"], ["globex", "acme"]]) {
        const peer = block(rs, other);
        const sg = find(rs, "SecurityGroup", `saas-${me}-app`);
        extra.push(added("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", `test-${me}-out-${other}`, { securityGroupId: idOf(sg), cidrIpv4: peer, ipProtocol: "-1" }, { securityGroupId: [sg.urn] }));
        extra.push(added("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `test-${me}-in-${other}`, { securityGroupId: idOf(sg), cidrIpv4: peer, ipProtocol: "-1" }, { securityGroupId: [sg.urn] }));
        const acl = find(rs, "NetworkAcl", `saas-${me}-app`);
        const entry = { action: "allow", cidrBlock: peer, fromPort: 0, toPort: 0, protocol: "-1", ruleNo: 1 };
        const inputs = acl.inputs as { ingress: unknown[]; egress: unknown[] };
        rs[rs.indexOf(acl)] = { ...acl, inputs: { ...inputs, ingress: [entry, ...inputs.ingress], egress: [entry, ...inputs.egress] } };
        for (const az of ["az1", "az2"]) {
          const rt = find(rs, "RouteTable", `saas-${me}-app-${az}`);
          extra.push(added("aws:ec2/route:Route", `test-${me}-app-${az}-to-${other}`, { routeTableId: idOf(rt), destinationCidrBlock: peer, transitGatewayId: idOf(tgw) }, { routeTableId: [rt.urn], transitGatewayId: [tgw.urn] }));
        }
      }
      return [...rs, ...extra];
    }

    it("a VPC route from one tenant to another through the gateway is still stopped by the tenant table's pool blackhole", function () {
      this.timeout(60_000);
      const m = analyseReachability(opened());
      const pair = m.pair("aws:acme/app", "aws:globex/app")!;
      assert.equal(pair.possible.toString(), "nothing");
      const reasons = [...new Set(explainBlocked(pair, shared).map((b) => `${b.stage}: ${b.reason.replace(/ on .*$/, "")}`))];
      assert.deepEqual(reasons, [`transit gateway saas-tgw: TGW route table saas-acme blackholes ${fleet.tenants!.pool}`, `transit gateway saas-tgw (return): TGW route table saas-globex blackholes ${fleet.tenants!.pool}`]);
      // The gateway leg is the only thing in the way: the same tenants still reach shared services.
      assert.equal(m.pair("aws:acme/app", "aws:services")!.allowed.toString(), shared.toString());
    });

    it("the NACL of a tenant's attachment subnets is judged both ways: inbound by source towards the gateway, outbound by destination from it", function () {
      this.timeout(60_000);
      const own = block(recorded, "acme");
      /** A copy where acme's transit NACL no longer names acme's own block in `direction`. */
      const without = (direction: "ingress" | "egress") =>
        recorded.map((r) => {
          if (!(r.type.endsWith(":NetworkAcl") && r.name === "saas-acme-transit")) return r;
          const inputs = r.inputs as Record<string, { cidrBlock: string }[]>;
          return { ...r, inputs: { ...inputs, [direction]: inputs[direction].filter((e) => e.cidrBlock !== own) } };
        });
      const services = "aws:services";
      // On the way to the gateway, acme's packets enter the attachment subnet: inbound, by source.
      const inbound = analyseReachability(without("ingress")).pair("aws:acme/app", services)!;
      assert.equal(inbound.possible.toString(), "nothing");
      assert.ok(
        explainBlocked(inbound, shared).some((b) => b.stage === "NACL saas-acme-transit inbound" && /rule 32767 \(default deny\)/.test(b.reason)),
        JSON.stringify(explainBlocked(inbound, shared).map((b) => `${b.stage}: ${b.reason}`)),
      );
      // Replies come back out of the attachment subnet towards acme: outbound, by destination.
      const outbound = analyseReachability(without("egress")).pair("aws:acme/app", services)!;
      assert.equal(outbound.possible.toString(), "nothing");
      assert.ok(explainBlocked(outbound, shared).some((b) => /NACL saas-acme-transit outbound/.test(b.stage)));
      // Another tenant, with its own transit NACL intact, still reaches the services.
      assert.equal(analyseReachability(without("ingress")).pair("aws:globex/app", services)!.allowed.toString(), shared.toString());
    });

    it("a TGW route to the other tenant's attachment, both ways, opens the path", function () {
      this.timeout(60_000);
      const rs = opened();
      for (const [me, other] of [["acme", "globex"], ["globex", "acme"]]) {
        const table = find(rs, "RouteTable", `saas-${me}`);
        const attachment = find(rs, "VpcAttachment", `saas-${other}`);
        rs.push(added("aws:ec2transitgateway/route:Route", `test-${me}-to-${other}`, { transitGatewayRouteTableId: idOf(table), destinationCidrBlock: block(rs, other), transitGatewayAttachmentId: idOf(attachment) }, { transitGatewayRouteTableId: [table.urn], transitGatewayAttachmentId: [attachment.urn] }));
      }
      const m = analyseReachability(rs);
      assert.equal(m.pair("aws:acme/app", "aws:globex/app")!.allowed.toString(), "all");
      assert.equal(m.pair("aws:globex/app", "aws:acme/app")!.allowed.toString(), "all");
      // No one else: another tenant's app is still out of reach.
      assert.equal(m.pair("aws:acme/app", "aws:initech/app")!.possible.toString(), "nothing");
    });
  });
});
