/**
 * SCTP through the AWS and GCP engines, worked by hand. AWS: a rule of protocol 132 (or `sctp`)
 * matches every SCTP port whatever its ports say (AWS documents this for every protocol but tcp,
 * udp and icmp), and a NACL must let the replies back like TCP's. GCP: `sctp` blocks take ports.
 * Before SCTP was modelled both engines read such rules as "another protocol" and dropped them.
 */
import assert from "node:assert/strict";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, explainBlocked, type NetResource } from "../../../core/reachability";
import { awsResources, baseline, CIDR, nacl, type AwsFixture } from "./aws-fixture";
import { res } from "./build";

/** The AWS baseline with app -> data on SCTP: security groups both ways, NACL request and return entries. */
function awsSctp(change: (f: AwsFixture) => void = () => {}): NetResource[] {
  const f = baseline();
  f.sg.app.egress.push({ protocol: "132", fromPort: 0, toPort: 0, cidrBlocks: [CIDR.data] });
  f.sg.data.ingress.push({ protocol: "132", fromPort: 0, toPort: 0, cidrBlocks: [CIDR.app] });
  f.nacl.app.egress.push(nacl(120, "allow", CIDR.data, 0, 0, "132"));
  f.nacl.data.ingress.push(nacl(110, "allow", CIDR.app, 0, 0, "132"));
  f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 0, 0, "132"));
  f.nacl.app.ingress.push(nacl(120, "allow", CIDR.data, 0, 0, "132"));
  change(f);
  return awsResources(f);
}

const appToData = (rs: NetResource[]) => analyseReachability(rs).pair("aws:app", "aws:data")!;

describe("reachability / SCTP on AWS (protocol 132)", () => {
  it("allows app -> data on every SCTP port (tcp/5432 stays cut: data's NACL returns SCTP only)", () => {
    const pair = appToData(awsSctp());
    assert.equal(pair.allowed.toString(), "sctp");
    assert.equal(pair.possible.toString(), "sctp");
    // The other way nothing was opened.
    assert.equal(analyseReachability(awsSctp()).pair("aws:data", "aws:app")!.allowed.toString(), "nothing");
  });

  it("reads a 132 rule's ports as every SCTP port, as AWS does, never as the ports it names", () => {
    const pair = appToData(awsSctp((f) => {
      f.sg.data.ingress = [{ protocol: "132", fromPort: 3868, toPort: 3868, cidrBlocks: [CIDR.app] }];
    }));
    assert.ok(pair.allowed.covers(TrafficSet.of("sctp", 9999, 9999)), String(pair.allowed));
    assert.equal(pair.allowed.toString(), "sctp");
  });

  it("reads the name sctp like 132", () => {
    const pair = appToData(awsSctp((f) => {
      f.sg.app.egress = [{ protocol: "sctp", fromPort: 0, toPort: 0, cidrBlocks: [CIDR.data] }];
    }));
    assert.equal(pair.allowed.toString(), "sctp");
  });

  it("denies SCTP when the destination's security group admits TCP only, naming the missing rule", () => {
    const pair = appToData(awsSctp((f) => {
      f.sg.data.ingress = [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: [CIDR.app] }];
    }));
    assert.equal(pair.allowed.toString(), "nothing");
    const why = explainBlocked(pair, TrafficSet.of("sctp", 3868, 3868)).map((b) => b.reason).join("; ");
    assert.match(why, /sg-data/);
  });

  it("denies SCTP whose replies the stateless NACL does not let back, naming the return check", () => {
    const pair = appToData(awsSctp((f) => {
      f.nacl.data.egress = [];
    }));
    assert.equal(pair.allowed.toString(), "nothing");
    const why = explainBlocked(pair, TrafficSet.of("sctp", 3868, 3868)).map((b) => b.reason);
    assert.ok(why.some((r) => /return traffic sctp\/1024-65535 not allowed by NACL acl-data outbound/.test(r)), why.join("; "));
  });

  it("a NACL deny of 132 in front of the allow cuts SCTP", () => {
    const pair = appToData(awsSctp((f) => {
      f.nacl.data.ingress.unshift(nacl(50, "deny", "10.0.0.0/16", 0, 0, "132"));
    }));
    assert.equal(pair.allowed.toString(), "nothing");
  });
});

const FW = "gcp:compute/firewall:Firewall";
const SA = "gcp:serviceaccount/account:Account";
const SUB = "gcp:compute/subnetwork:Subnetwork";
const NET = "gcp:compute/network:Network";
const email = (z: string) => `telco-${z}@proj.iam.gserviceaccount.com`;
const ZONES = { app: "10.1.1.0/24", db: "10.1.2.0/24" };

/** app -> db on sctp/3868 (both sides), everything else denied at 65534. */
function gcpSctp(dbAllows: unknown[] = [{ protocol: "sctp", ports: ["3868"] }]): NetResource[] {
  const net = { network: "net-id" };
  const out: NetResource[] = [res(NET, "net", { name: "telco", autoCreateSubnetworks: false, deleteDefaultRoutesOnCreate: true })];
  for (const [z, cidr] of Object.entries(ZONES)) {
    out.push(res(SUB, `sub-${z}`, { ...net, ipCidrRange: cidr, description: `netseg zone ${z} in r1 (netseg-zone=${z})` }));
    out.push(res(SA, `sa-${z}`, { accountId: `telco-${z}`, email: email(z), description: `Identity of zone ${z} (netseg-zone=${z})` }));
  }
  const fw = (name: string, props: Record<string, unknown>) => res(FW, name, { ...net, priority: 1000, ...props });
  out.push(
    fw("app-egress", { direction: "EGRESS", allows: [{ protocol: "sctp", ports: ["3868"] }], destinationRanges: [ZONES.db], targetServiceAccounts: [email("app")] }),
    fw("app-to-db", { direction: "INGRESS", allows: dbAllows, sourceServiceAccounts: [email("app")], targetServiceAccounts: [email("db")] }),
    fw("deny-all-egress", { direction: "EGRESS", priority: 65534, denies: [{ protocol: "all" }], destinationRanges: ["0.0.0.0/0"] }),
    fw("deny-all-ingress", { direction: "INGRESS", priority: 65534, denies: [{ protocol: "all" }], sourceRanges: ["0.0.0.0/0"] }),
  );
  return out;
}

describe("reachability / SCTP on GCP (sctp with ports)", () => {
  it("allows app -> db on sctp/3868 only", () => {
    const m = analyseReachability(gcpSctp());
    assert.equal(m.pair("gcp:app", "gcp:db")!.allowed.toString(), "sctp/3868");
    assert.equal(m.pair("gcp:db", "gcp:app")!.allowed.toString(), "nothing");
  });

  it("denies SCTP when db's ingress allows TCP on that port only, naming the deny-all rule", () => {
    const pair = analyseReachability(gcpSctp([{ protocol: "tcp", ports: ["3868"] }])).pair("gcp:app", "gcp:db")!;
    assert.equal(pair.allowed.toString(), "nothing");
    assert.deepEqual(explainBlocked(pair, TrafficSet.of("sctp", 3868, 3868)).map((b) => b.reason), ["deny-all-ingress deny ingress priority 65534 denies sctp/3868"]);
  });

  it("a port outside the sctp block's list is denied; a block without ports is every SCTP port", () => {
    const pair = analyseReachability(gcpSctp([{ protocol: "sctp", ports: ["2905-2910"] }])).pair("gcp:app", "gcp:db")!;
    assert.equal(pair.allowed.toString(), "nothing", "egress allows 3868, ingress 2905-2910: nothing in common");
    const whole = analyseReachability(gcpSctp([{ protocol: "sctp" }])).pair("gcp:app", "gcp:db")!;
    assert.equal(whole.allowed.toString(), "sctp/3868");
  });
});
