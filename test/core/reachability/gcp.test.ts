/**
 * GCP truth tables, worked out by hand. Network `net` (default routes deleted), zones web, app
 * and db marked on their subnets and service accounts; rules target service accounts, some
 * by email, some by an email unknown at preview (joined through dependencies).
 *
 *   from \ to | web     | app      | db       | internet
 *   internet  | tcp/443 | -        | -        |
 *   web       |         | tcp/8080 | -        | - (deny-all egress 65534)
 *   app       | -       |          | tcp/5432 | -
 *   db        | -       | -        | -        | -
 */
import assert from "node:assert/strict";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, explainBlocked, explainCut, type Matrix, type NetResource } from "../../../core/reachability";
import { res, UNKNOWN_STRING, urnOf } from "./build";

const FW = "gcp:compute/firewall:Firewall";
const SA = "gcp:serviceaccount/account:Account";
const SUB = "gcp:compute/subnetwork:Subnetwork";
const NET = "gcp:compute/network:Network";
const ROUTE = "gcp:compute/route:Route";
const TPL = "gcp:compute/instanceTemplate:InstanceTemplate";

const email = (z: string) => `shop-${z}@proj.iam.gserviceaccount.com`;
const net = { network: "net-id" };

function fw(name: string, props: Record<string, unknown>, extra: Partial<NetResource> = {}): NetResource {
  return res(FW, name, { ...net, priority: 1000, ...props }, extra);
}

function stack(extra: NetResource[] = [], opts: { drop?: string[] } = {}): NetResource[] {
  const zones = { web: "10.1.0.0/24", app: "10.1.1.0/24", db: "10.1.2.0/24" };
  const out: NetResource[] = [res(NET, "net", { name: "shop", autoCreateSubnetworks: false, deleteDefaultRoutesOnCreate: true })];
  for (const [z, cidr] of Object.entries(zones)) {
    out.push(res(SUB, `sub-${z}`, { ...net, ipCidrRange: cidr, description: `netseg zone ${z} in r1 (netseg-zone=${z})` }));
    out.push(res(SA, `sa-${z}`, { accountId: `shop-${z}`, email: z === "web" ? UNKNOWN_STRING : email(z), description: `Identity of zone ${z} (netseg-zone=${z})` }));
  }
  out.push(res(TPL, "tpl-web", { labels: { "netseg-zone": "web" }, tags: ["shop-web"] }));
  out.push(res(ROUTE, "web-internet", { ...net, destRange: "0.0.0.0/0", nextHopGateway: "default-internet-gateway", tags: ["shop-web"] }));
  out.push(
    fw("web-https", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["443"] }], sourceRanges: ["0.0.0.0/0"], targetServiceAccounts: [UNKNOWN_STRING] }, {
      dependencies: [urnOf(SA, "sa-web")],
      propertyDependencies: { targetServiceAccounts: [urnOf(SA, "sa-web")] },
    }),
    fw("web-to-app", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["8080"] }], sourceServiceAccounts: [UNKNOWN_STRING], targetServiceAccounts: [email("app")] }, {
      propertyDependencies: { sourceServiceAccounts: [urnOf(SA, "sa-web")] },
    }),
    fw("app-to-db", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["5432"] }], sourceServiceAccounts: [email("app")], targetServiceAccounts: [email("db")] }),
    fw("web-egress", { direction: "EGRESS", allows: [{ protocol: "tcp", ports: ["8080"] }], destinationRanges: [zones.app], targetServiceAccounts: [UNKNOWN_STRING] }, {
      propertyDependencies: { targetServiceAccounts: [urnOf(SA, "sa-web")] },
    }),
    fw("app-egress", { direction: "EGRESS", allows: [{ protocol: "tcp", ports: ["5432"] }], destinationRanges: [zones.db], targetServiceAccounts: [email("app")] }),
    fw("deny-all-egress", { direction: "EGRESS", priority: 65534, denies: [{ protocol: "all" }], destinationRanges: ["0.0.0.0/0"] }),
    fw("deny-all-ingress", { direction: "INGRESS", priority: 65534, denies: [{ protocol: "all" }], sourceRanges: ["0.0.0.0/0"] }),
  );
  return [...out.filter((r) => !(opts.drop ?? []).includes(r.name)), ...extra];
}

function table(m: Matrix): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of m.pairs) if (p.from !== p.to) out[`${p.from} -> ${p.to}`] = p.allowed.toString();
  return out;
}

describe("reachability / GCP", () => {
  it("matches the hand-worked truth table", () => {
    assert.deepEqual(table(analyseReachability(stack())), {
      "gcp:app -> gcp:db": "tcp/5432",
      "gcp:app -> gcp:web": "nothing",
      "gcp:app -> internet": "nothing",
      "gcp:db -> gcp:app": "nothing",
      "gcp:db -> gcp:web": "nothing",
      "gcp:db -> internet": "nothing",
      "gcp:web -> gcp:app": "tcp/8080",
      "gcp:web -> gcp:db": "nothing",
      "gcp:web -> internet": "nothing",
      "internet -> gcp:app": "nothing",
      "internet -> gcp:db": "nothing",
      "internet -> gcp:web": "tcp/443",
    });
  });

  it("a deny at a higher priority (lower number) beats an allow, and so does a deny at equal priority", () => {
    const deny = (priority: number) => fw("block-app", { direction: "INGRESS", priority, denies: [{ protocol: "tcp", ports: ["8000-8100"] }], sourceRanges: ["10.1.0.0/24"], targetServiceAccounts: [email("app")] });
    const m = analyseReachability(stack([deny(900)]));
    const pair = m.pair("gcp:web", "gcp:app")!;
    assert.equal(pair.allowed.toString(), "nothing");
    assert.deepEqual(explainBlocked(pair, TrafficSet.of("tcp", 8080)).map((b) => b.reason), ["block-app deny ingress priority 900 denies tcp/8080"]);
    assert.equal(analyseReachability(stack([deny(1000)])).pair("gcp:web", "gcp:app")!.allowed.toString(), "nothing");
    // A deny at a lower priority (higher number) loses to the allow.
    assert.equal(analyseReachability(stack([deny(1100)])).pair("gcp:web", "gcp:app")!.allowed.toString(), "tcp/8080");
  });

  it("implied rules: ingress denied and egress allowed at 65535; no route means no internet", () => {
    const m = analyseReachability(stack([], { drop: ["deny-all-egress", "deny-all-ingress"] }));
    assert.deepEqual(explainBlocked(m.pair("gcp:app", "gcp:web")!, TrafficSet.of("tcp", 80)).map((b) => b.reason), [
      "GCP implied rule deny all ingress, priority 65535 denies tcp/80",
    ]);
    const out = m.pair("gcp:app", "internet")!;
    assert.equal(out.allowed.toString(), "nothing");
    assert.match(explainBlocked(out, TrafficSet.of("tcp", 443))[0].reason, /no route to the default internet gateway for app/);
    assert.equal(m.pair("gcp:web", "internet")!.allowed.toString(), "all");
  });

  it("targets by network tag, and keeps the default internet route where it was not deleted", () => {
    const rs = stack([fw("tagged", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["203.0.113.0/24"], targetTags: ["shop-web"] })], { drop: ["deny-all-ingress"] }).map((r) =>
      r.name === "net" ? { ...r, props: { ...r.props, deleteDefaultRoutesOnCreate: false } } : r,
    );
    const m = analyseReachability(rs, { peers: [{ name: "office", cidrs: ["203.0.113.0/24"] }] });
    assert.equal(m.pair("office", "gcp:web")!.allowed.toString(), "tcp/22, tcp/443");
    assert.equal(m.pair("office", "gcp:app")!.allowed.toString(), "nothing");
  });

  it("an account reference that is unknown and ambiguous is possible, not certain", () => {
    const rs = stack().map((r) => (r.name === "web-to-app" ? { ...r, propertyDependencies: { sourceServiceAccounts: [urnOf(SA, "sa-web"), urnOf(SA, "sa-db")] } } : r));
    const p = analyseReachability(rs).pair("gcp:web", "gcp:app")!;
    assert.equal(p.allowed.toString(), "nothing");
    assert.equal(p.possible.toString(), "tcp/8080");
  });

  it("a deny of part of the internet leaves the rest allowed, and says which part is cut", () => {
    // web-https allows 0.0.0.0/0 at 1000; a deny of one /24 at 900 cuts only that /24.
    const m = analyseReachability(stack([fw("deny-doc-net", { direction: "INGRESS", priority: 900, denies: [{ protocol: "all" }], sourceRanges: ["203.0.113.0/24"] })]));
    const p = m.pair("internet", "gcp:web")!;
    assert.equal(p.allowed.toString(), "tcp/443");
    const cut = explainCut(p, TrafficSet.of("tcp", 443));
    assert.deepEqual(cut.passes, ["internet (IPv4, all but 203.0.113.0/24) -> web"]);
    // web's subnetwork is IPv4 only (no stackType): the internet's IPv6 part never meets it, so no block names it.
    assert.deepEqual(cut.blocks.map((b) => b.reason), ["deny-doc-net deny ingress priority 900 denies tcp/443 (internet (203.0.113.0/24) -> web)"]);
  });
});
