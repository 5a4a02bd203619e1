/**
 * examples/saas-tenants under the preview's mocks (as examples.test.ts records examples): the
 * tenants' VPCs share zone names, so their zones are told apart by the `netseg:tenant` tag
 * (`aws:acme/app`). No tenant reaches another; every tenant zone reaches shared services on the
 * shared ports (through its route to the transit gateway), and each intent the components
 * carry (per tenant, and shared services') holds.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { runProgram } from "../../../cli/preview/program";
import { loadProject } from "../../../cli/preview/project";
import { loadIntentFile } from "../../../core/intent";
import { TrafficSet } from "../../../core/net/ports";
import { analyseReachability, compareWithIntent, componentPlatform, componentTenant, mergeScoped, type Matrix, type ScopedIntent } from "../../../core/reachability";

const ROOT = path.resolve(__dirname, "../../..");

describe("reachability / examples/saas-tenants: tenants apart, shared services reached", function () {
  let matrix: Matrix;
  let intents: ScopedIntent[];
  const fleet = loadIntentFile(path.join(ROOT, "examples/saas-tenants/intent.yaml"));
  const shared = TrafficSet.fromSpecs(fleet.tenants!.sharedServices.ports);

  before(async function () {
    this.timeout(300_000);
    const { resources } = await runProgram(loadProject(path.join(ROOT, "examples", "saas-tenants"), "dev"));
    intents = mergeScoped(
      resources
        .filter((r) => r.type.startsWith("netseg:") && (r.inputs.intent || (r.outputs.plan as { intent?: unknown } | undefined)?.intent))
        .flatMap((r) => {
          const intent = (r.outputs.plan as { intent?: unknown } | undefined)?.intent ?? r.outputs.intent ?? r.inputs.intent;
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
});
