/**
 * compareWithIntent on the AWS fixture: the intent says internet -> edge 443, edge -> app 8080,
 * app -> data 5432. The fixture's data NACL forgets return traffic (an accidental deny naming
 * acl-data); opening data to the internet makes an unintended path into a sensitive zone.
 */
import assert from "node:assert/strict";
import { parseIntent } from "../../../core/intent";
import { analyseReachability, compareWithIntent } from "../../../core/reachability";
import { awsResources, baseline, CIDR, nacl, T } from "./aws-fixture";
import { urnOf } from "./build";

const doc = {
  name: "shop",
  addressSpace: "10.0.0.0/16",
  zones: [{ name: "edge", internet: "inbound", egress: "nat" }, { name: "app", egress: "proxy" }, { name: "data", sensitive: true }],
  peers: [{ name: "office", cidrs: ["203.0.113.0/24"] }],
  flows: [
    { from: "internet", to: "edge", ports: ["tcp/443"] },
    { from: "edge", to: "app", ports: ["tcp/8080"] },
    { from: "app", to: "data", ports: ["tcp/5432"] },
  ],
  egress: [{ from: "app", allow: ["api.stripe.com:443"] }],
};
const intent = parseIntent(doc);

describe("reachability / compareWithIntent (AWS)", () => {
  it("reports the forgotten return traffic as an accidental deny naming the NACL", () => {
    const r = compareWithIntent(analyseReachability(awsResources(baseline()), { intent }), intent);
    assert.deepEqual(r.unintended, []);
    assert.equal(r.accidentalDenies.length, 1);
    const d = r.accidentalDenies[0];
    assert.equal(`${d.from} -> ${d.to}: ${d.traffic}`, "aws:app -> aws:data: tcp/5432");
    assert.deepEqual(d.flows, ["app->data"]);
    assert.deepEqual(d.urns, [urnOf(T.NACL, "acl-data")]);
    assert.match(d.message, /return traffic tcp\/1024-65535 not allowed by NACL acl-data outbound/);
  });

  it("equals the intent exactly once the return entry exists", () => {
    const f = baseline();
    f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
    const r = compareWithIntent(analyseReachability(awsResources(f), { intent }), intent);
    assert.deepEqual([r.unintended, r.accidentalDenies, r.internetToSensitive, r.uncertain, r.unresolved], [[], [], [], [], []]);
  });

  it("reports an unintended path and the internet reaching a sensitive zone, naming every resource on the way", () => {
    const f = baseline();
    f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535), nacl(110, "allow", "0.0.0.0/0", 1024, 65535));
    f.nacl.data.ingress.push(nacl(110, "allow", "0.0.0.0/0", 5432));
    f.sg.data.ingress.push({ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"], description: "temporary" });
    f.routes.data = [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-main-id" }];
    const r = compareWithIntent(analyseReachability(awsResources(f), { intent }), intent);
    assert.deepEqual(r.unintended.map((u) => `${u.from} -> ${u.to}: ${u.traffic}`), ["internet -> aws:data: tcp/5432", "office -> aws:data: tcp/5432"]);
    assert.deepEqual(r.internetToSensitive.map((u) => `${u.from} -> ${u.to}: ${u.traffic}`), ["internet -> aws:data: tcp/5432"]);
    assert.deepEqual(r.unintended[0].urns, [urnOf(T.NACL, "acl-data"), urnOf(T.RT, "rt-data"), urnOf(T.SG, "sg-data")]);
    assert.match(r.unintended[0].message, /sg-data ingress\[1\]/);
  });

  it("tolerates the egress allow-list's ports to the internet, and reports other egress", () => {
    const f = baseline();
    f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
    f.sg.app.egress.push({ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] });
    f.nacl.app.egress.push(nacl(120, "allow", "0.0.0.0/0", 0, 65535));
    f.nacl.app.ingress.push(nacl(120, "allow", "0.0.0.0/0", 1024, 65535));
    const r = compareWithIntent(analyseReachability(awsResources(f), { intent }), intent);
    // office's block is public: the allow-list's tcp/443 may reach it as it reaches any internet address.
    assert.deepEqual(r.unintended.map((u) => `${u.from} -> ${u.to}: ${u.traffic}`), ["aws:app -> aws:edge: tcp/443", "aws:app -> internet: tcp/0-442, tcp/444-65535", "aws:app -> office: tcp/0-442, tcp/444-65535"]);
  });

  it("tolerates the allow-list's ports towards a public peer only: a private peer is not the internet", () => {
    const f = baseline();
    f.sg.app.egress.push({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] });
    f.nacl.app.egress.push(nacl(120, "allow", "0.0.0.0/0", 443));
    f.nacl.app.ingress.push(nacl(120, "allow", "0.0.0.0/0", 1024, 65535));
    f.routes.app = [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-main-id" }];
    const publicOffice = compareWithIntent(analyseReachability(awsResources(f), { intent }), intent);
    assert.deepEqual(publicOffice.unintended.map((u) => `${u.from} -> ${u.to}: ${u.traffic}`), ["aws:app -> aws:edge: tcp/443"]);
    const vpnOffice = parseIntent({ ...doc, peers: [{ name: "office", cidrs: ["172.31.0.0/24"] }] });
    // A private network is reached over the VPN, not through the internet gateway.
    f.routes.app.push({ cidrBlock: "172.31.0.0/24", gatewayId: "vgw-office" });
    const r = compareWithIntent(analyseReachability(awsResources(f), { intent: vpnOffice }), vpnOffice);
    assert.deepEqual(r.unintended.map((u) => `${u.from} -> ${u.to}: ${u.traffic}`), ["aws:app -> aws:edge: tcp/443", "aws:app -> office: tcp/443"]);
  });

  it("lists flows whose endpoints the stack does not have", () => {
    const withPeer = parseIntent({ ...intent, name: "shop", zones: [...intent.zones.map((z) => ({ name: z.name, internet: z.internet, egress: z.egress, sensitive: z.sensitive })), { name: "batch" }], flows: [{ from: "batch", to: "data", ports: ["tcp/5432"] }], egress: [], peers: [] } as any);
    const r = compareWithIntent(analyseReachability(awsResources(baseline()), { intent: withPeer }), withPeer);
    assert.deepEqual(r.unresolved, ["flow batch->data on aws: the stack has no endpoint for batch"]);
  });
});
