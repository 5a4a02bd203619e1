/**
 * Transit gateways, hand-worked on two tenants and shared services (./transit-fixture): every
 * subnet sends all private space to the gateway and the filters let it through, so each answer
 * below is the TGW route tables' alone.
 *
 *   tenant a -> shared services   a's table: 10.64.0.0/20 -> shared; shared's table: a's block -> a   allowed
 *   shared services -> tenant a   the same two routes, the other way round                           allowed
 *   tenant a -> tenant b          a's table: longest match for b's block is the pool blackhole       blocked
 *                                 (and b's table blackholes a's block on the way back)
 */
import assert from "node:assert/strict";
import { analyseReachability, explainBlocked, type Matrix } from "../../../core/reachability";
import { TrafficSet } from "../../../core/net/ports";
import { withoutId } from "./build";
import { BLOCK, POOL, tenantFleet, transitResources, type TransitFixture } from "./transit-fixture";

const tcp443 = TrafficSet.fromSpecs([{ protocol: "tcp", from: 443, to: 443 }]);
type Ids = "known" | "unknown" | "absent";
const analyse = (f: TransitFixture, ids: Ids = "known"): Matrix => {
  const rs = transitResources(f, { unknownIds: ids === "unknown" });
  return analyseReachability(ids === "absent" ? rs.map(withoutId) : rs);
};
const allowed = (m: Matrix, from: string, to: string) => m.pair(from, to)!.allowed.toString();
const possible = (m: Matrix, from: string, to: string) => m.pair(from, to)!.possible.toString();
const reasons = (m: Matrix, from: string, to: string) => explainBlocked(m.pair(from, to)!, tcp443).map((b) => `${b.stage}: ${b.reason}`);

describe("reachability / AWS transit gateway route tables", () => {
  const titles: Record<Ids, string> = {
    known: "ids known",
    unknown: "ids unknown at preview, joined by dependencies",
    absent: "known ids nobody carries (CrossGuard's resources), joined by dependencies",
  };
  for (const ids of ["known", "unknown", "absent"] as const) {
    describe(titles[ids], () => {
      const m = analyse(tenantFleet(), ids);

      it("tenant -> shared services is allowed, through both TGW tables", () => {
        assert.equal(allowed(m, "aws:a/app", "aws:services"), "all");
        const stages = m.pair("aws:a/app", "aws:services")!.paths[0].stages;
        const tgw = stages.filter((s) => s.label.startsWith("transit gateway tgw"));
        assert.deepEqual(tgw.map((s) => [s.label, s.grants.map((g) => g.rule.resource)]), [
          ["transit gateway tgw", [`rt-a-to-shared-${BLOCK.shared}`]],
          ["transit gateway tgw (return)", [`rt-shared-to-a-${BLOCK.a}`]],
        ]);
      });

      it("shared services -> tenant is allowed (and its replies come back)", () => {
        assert.equal(allowed(m, "aws:services", "aws:a/app"), "all");
        assert.equal(allowed(m, "aws:services", "aws:b/app"), "all");
      });

      it("tenant -> tenant is blocked by the pool blackhole, both ways, and says so", () => {
        assert.equal(possible(m, "aws:a/app", "aws:b/app"), "nothing");
        assert.equal(possible(m, "aws:b/app", "aws:a/app"), "nothing");
        assert.deepEqual(reasons(m, "aws:a/app", "aws:b/app"), [
          `transit gateway tgw: TGW route table tgw-rt-a blackholes ${POOL} on tcp/443`,
          `transit gateway tgw (return): TGW route table tgw-rt-b blackholes ${POOL} on tcp/443`,
        ]);
        const block = explainBlocked(m.pair("aws:a/app", "aws:b/app")!, tcp443)[0];
        assert.equal(block.rule?.resource, `rt-a-blackhole-${POOL}`);
      });
    });
  }

  it("a tenant table wrongly routed to the other tenant's attachment opens the path (once the reply is routed too)", () => {
    const f = tenantFleet();
    f.routes.push({ table: "a", dest: BLOCK.b, to: "b" });
    const oneWay = analyse(f);
    assert.equal(possible(oneWay, "aws:a/app", "aws:b/app"), "nothing");
    assert.deepEqual(reasons(oneWay, "aws:a/app", "aws:b/app"), [`transit gateway tgw (return): TGW route table tgw-rt-b blackholes ${POOL} on tcp/443`]);
    f.routes.push({ table: "b", dest: BLOCK.a, to: "a" });
    const both = analyse(f);
    assert.equal(allowed(both, "aws:a/app", "aws:b/app"), "all");
    assert.equal(allowed(both, "aws:b/app", "aws:a/app"), "all");
  });

  it("a route to the wrong attachment is named", () => {
    const f = tenantFleet();
    f.routes = f.routes.map((r) => (r.table === "a" && r.to === "shared" ? { ...r, to: "b" as const } : r));
    const m = analyse(f);
    assert.equal(possible(m, "aws:a/app", "aws:services"), "nothing");
    assert.deepEqual(reasons(m, "aws:a/app", "aws:services"), [`transit gateway tgw: TGW route table tgw-rt-a sends 10.64.0.0/24 to attachment att-b, not to the VPC of services on tcp/443`]);
  });

  it("an attachment with no association (default association off) reaches nothing", () => {
    const f = tenantFleet();
    f.associated = ["b", "shared"];
    const m = analyse(f);
    assert.equal(possible(m, "aws:a/app", "aws:services"), "nothing");
    assert.equal(possible(m, "aws:services", "aws:a/app"), "nothing");
    assert.deepEqual(reasons(m, "aws:a/app", "aws:services"), ["transit gateway tgw: attachment att-a is associated with no route table of tgw on tcp/443"]);
    assert.equal(allowed(m, "aws:b/app", "aws:services"), "all");
  });

  it("a table with no route for the destination says which addresses", () => {
    const f = tenantFleet();
    f.routes = f.routes.filter((r) => !(r.table === "shared" && r.to === "a"));
    const m = analyse(f);
    assert.equal(possible(m, "aws:a/app", "aws:services"), "nothing");
    assert.deepEqual(reasons(m, "aws:a/app", "aws:services"), ["transit gateway tgw (return): no route in TGW route table tgw-rt-shared for 10.128.0.0/24 on tcp/443"]);
  });

  it("propagation stands in for static routes, and a propagated /20 beats the /12 blackhole", () => {
    const f = tenantFleet();
    f.routes = f.routes.filter((r) => r.table !== "shared");
    f.propagations = [{ table: "shared", from: "a" }, { table: "shared", from: "b" }];
    const m = analyse(f);
    assert.equal(allowed(m, "aws:a/app", "aws:services"), "all");
    assert.equal(allowed(m, "aws:services", "aws:b/app"), "all");
    assert.equal(possible(m, "aws:a/app", "aws:b/app"), "nothing");
    // b's block propagated into a's table is more specific than the pool blackhole: the way there opens.
    f.propagations.push({ table: "a", from: "b" });
    assert.deepEqual(reasons(analyse(f), "aws:a/app", "aws:b/app"), [`transit gateway tgw (return): TGW route table tgw-rt-b blackholes ${POOL} on tcp/443`]);
    f.propagations.push({ table: "b", from: "a" });
    assert.equal(allowed(analyse(f), "aws:a/app", "aws:b/app"), "all");
  });

  it("with the gateway's default association and propagation on, every attachment shares the default table (flat)", () => {
    const f = tenantFleet();
    f.defaults = true;
    f.associated = [];
    f.routes = [];
    const m = analyse(f);
    assert.equal(allowed(m, "aws:a/app", "aws:b/app"), "all");
    assert.equal(allowed(m, "aws:b/app", "aws:services"), "all");
    // An attachment that opts out of the default association (its own flag off) is associated with nothing.
    const optedOut = transitResources(f).map((r) => (r.name === "att-a" ? { ...r, props: { ...r.props, transitGatewayDefaultRouteTableAssociation: false } } : r));
    assert.deepEqual(explainBlocked(analyseReachability(optedOut).pair("aws:a/app", "aws:b/app")!, tcp443).map((b) => b.reason), ["attachment att-a is associated with no route table of tgw on tcp/443"]);
    // An explicit association to a's own table (pool blackholed) takes a out of the default one.
    f.associated = ["a"];
    f.routes = [{ table: "a", dest: POOL, to: "blackhole" }];
    assert.equal(possible(analyse(f), "aws:a/app", "aws:b/app"), "nothing");
    assert.equal(allowed(analyse(f), "aws:b/app", "aws:a/app"), "nothing");
  });

  it("the subnet route table goes by longest prefix: a more specific VPC blackhole wins over the route to the gateway", () => {
    const f = tenantFleet();
    f.routes.push({ table: "a", dest: BLOCK.b, to: "b" }, { table: "b", dest: BLOCK.a, to: "a" });
    f.vpcRoutes = [{ vpc: "a", dest: BLOCK.b, blackhole: true }];
    const m = analyse(f);
    assert.equal(possible(m, "aws:a/app", "aws:b/app"), "nothing");
    // The replies would come back: b's route table and b's TGW table both lead to a.
    assert.deepEqual(reasons(m, "aws:a/app", "aws:b/app"), ["route table rt-a: route to b/app in rt-a is a blackhole on tcp/443"]);
    assert.equal(explainBlocked(m.pair("aws:a/app", "aws:b/app")!, tcp443)[0].rule?.resource, `route-a-${BLOCK.b}`);
  });
});
