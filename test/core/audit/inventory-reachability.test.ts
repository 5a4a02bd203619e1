/**
 * The fixture inventories (test/fixtures/audit), read and handed to the reachability engine and to
 * the packs' resource readers: the paths must be the ones the inventory really allows, worked out
 * by hand from the JSON.
 *
 * AWS (aws/): VPC prod 10.0.0.0/16 (+ 2600:1f18:abc:d00::/56) peered with data 10.1.0.0/16.
 *   bastion (public subnet, public IP, sg bastion: tcp/22 from 0.0.0.0/0 and ::/0: a world-open admin port)
 *   web-1   (public subnet, public IP, sg web: tcp/443 from the world and a prefix list, tcp/22 from sg bastion)
 *   app-1   (app subnet, main route table, no internet route; sg app: tcp/8080 from sg web; egress tcp/5432 to sg db across the peering)
 *   a Lambda ENI in the app subnet with sg app
 *   db-1    (data VPC, NACL: in tcp/5432 from 10.0.2.0/24 only, out tcp/1024-65535 to 10.0.0.0/16; sg db: tcp/5432 from sg app across the peering)
 *
 *   from \ to | bastion | web-1    | app-1    | db-1
 *   internet  | tcp/22  | tcp/443  | -        | -
 *   bastion   |         | tcp/22+443 | -      | -
 *   web-1     | tcp/22  |          | tcp/8080 | - (sg db names app only; NACL admits 10.0.2.0/24 only)
 *   app-1     | tcp/22  | tcp/443  |          | tcp/5432 (across the peering)
 *
 * GCP (gcp/): bastion-1 (tag bastion, external IP; tcp/22 from 0.0.0.0/0), web-1 (tag web, tcp/80,443
 * from the world), db-1 (tag db, tcp/5432 from tag web, egress to 0.0.0.0/0 denied); a disabled
 * allow-all rule that must not count. Kubernetes (k8s/): shop/frontend open on 8080, shop/api from
 * frontend only, payments/ledger from shop/api on its named port grpc (9090).
 */
import assert from "node:assert/strict";
import path from "node:path";
import { readInventory } from "../../../core/audit/readers";
import { TrafficSet } from "../../../core/net";
import { analyseReachability, type Matrix, type NetResource } from "../../../core/reachability";
import { naclsOf, normaliseFirewall, normaliseNetworkPolicy, securityGroupsOf, StackIndex, type PlainObject, type StackResource } from "../../../core/resources";

const FIXTURES = path.join(__dirname, "../../fixtures/audit");

const tcp = (port: number) => TrafficSet.fromSpecs([{ protocol: "tcp", from: port, to: port }]);
const tcps = (...ports: number[]) => ports.reduce((a, p) => a.union(tcp(p)), TrafficSet.EMPTY);

async function inventory(folder: string): Promise<NetResource[]> {
  const { results } = await readInventory([path.join(FIXTURES, folder)]);
  return results.flatMap((r) => r.resources);
}

function allowed(m: Matrix, from: string, to: string): string {
  const p = m.pair(from, to);
  assert.ok(p, `no pair ${from} -> ${to}; endpoints: ${m.endpoints.map((e) => e.id).join(", ")}`);
  assert.equal(p.allowed.toString(), p.possible.toString(), `${from} -> ${to}: everything is known in an inventory, so allowed and possible agree`);
  return p.allowed.toString();
}

function asStack(resources: readonly NetResource[]): StackIndex {
  return new StackIndex(resources.map((r): StackResource => ({ urn: r.urn, type: r.type, name: r.name, props: r.props as PlainObject, dependencies: [], propertyDependencies: {} })));
}

describe("audit inventories: reachability of what the files describe", () => {
  describe("AWS CLI inventory (two peered VPCs, a default VPC)", () => {
    let m: Matrix;
    let resources: NetResource[];
    const pub = "aws:subnet:subnet-0aa000000000000a1";
    const bastion = `${pub}/ec2:i-0aa000000000000b1`;
    const web = `${pub}/ec2:i-0aa000000000000e1`;
    const app = "aws:subnet:subnet-0aa000000000000a2/ec2:i-0aa000000000000a1";
    const lambda = "aws:subnet:subnet-0aa000000000000a2/eni:eni-0aa00000000000f01";
    const db = "aws:subnet:subnet-0bb000000000000b1/ec2:i-0bb000000000000d1";
    before(async () => {
      resources = await inventory("aws");
      m = analyseReachability(resources);
    });

    it("places every running instance and the Lambda interface, and nothing else, as workloads", () => {
      const workloads = m.endpoints.filter((e) => e.kind === "workload").map((e) => e.id).sort();
      assert.deepEqual(workloads, [bastion, web, app, lambda, db].sort());
      assert.deepEqual(m.notes, []);
    });

    it("finds the world-open admin port: the internet reaches the bastion on tcp/22 (over IPv4: it holds no IPv6 address)", () => {
      assert.equal(allowed(m, "internet", bastion), "tcp/22");
      const open = (to: string) => m.pair("internet", to)!.paths.filter((p) => p.stages.every((s) => !s.lower.isEmpty())).map((p) => p.label);
      assert.deepEqual(open(bastion).filter((l) => /IPv6/.test(l)), []);
      // web-1 holds an IPv6 address of the subnet's /64 (Ipv6Addresses), and ::/0 is routed to the internet gateway.
      assert.ok(open(web).some((l) => /IPv6, all but 2600:1f18:abc:d00::\/56/.test(l)), open(web).join(" | "));
    });

    it("internet reaches web-1 on tcp/443 only (its tcp/22 is for the bastion's group) and never the private tiers", () => {
      assert.equal(allowed(m, "internet", web), "tcp/443");
      assert.equal(allowed(m, "internet", app), "nothing");
      assert.equal(allowed(m, "internet", db), "nothing");
    });

    it("joins group references by id: bastion -> web on tcp/22, web -> app on tcp/8080, bastion -> app nothing", () => {
      assert.equal(allowed(m, bastion, web), tcps(22, 443).toString());
      assert.equal(allowed(m, web, app), "tcp/8080");
      assert.equal(allowed(m, bastion, app), "nothing");
    });

    it("follows the SG-to-SG reference across the peering: app -> db on tcp/5432, and web -> db nothing", () => {
      assert.equal(allowed(m, app, db), "tcp/5432");
      assert.equal(allowed(m, lambda, db), "tcp/5432");
      assert.equal(allowed(m, web, db), "nothing");
      assert.equal(allowed(m, db, app), "nothing");
    });

    it("keeps the default VPC apart: its subnet reaches the internet and nothing of the peered VPCs", () => {
      const def = "aws:subnet:subnet-0dd000000000000d1";
      assert.equal(allowed(m, def, "internet"), "all");
      for (const to of [bastion, web, app, db]) assert.equal(allowed(m, def, to), "nothing");
    });

    it("the packs' readers see the same groups and NACL entries, the prefix list resolved from its own file", () => {
      const index = asStack(resources);
      const sgs = securityGroupsOf(index);
      const webSg = sgs.find((v) => v.group?.props.id === "sg-0aa000000000000e1")!;
      const https = webSg.inline.filter((o) => o.rule.direction === "ingress" && o.rule.traffic.toString() === "tcp/443");
      const cidrs = https.map((o) => o.rule.cidrs.toString()).join(" ");
      assert.match(cidrs, /0\.0\.0\.0\/0/);
      assert.match(cidrs, /198\.51\.100\.0\/24/, `the corporate prefix list is resolved: ${cidrs}`);
      assert.ok(https.every((o) => o.rule.unresolvedPrefixLists.length === 0));
      const ssh = webSg.inline.find((o) => o.rule.traffic.toString() === "tcp/22")!;
      assert.deepEqual(ssh.rule.sourceSecurityGroups, ["sg-0aa000000000000b1"]);
      const dbSg = sgs.find((v) => v.group?.props.id === "sg-0bb000000000000d1")!;
      // describe-security-group-rules repeats db's rules: read once, inline.
      assert.equal(dbSg.standalone.length, 0);
      assert.deepEqual(dbSg.inline.map((o) => `${String(o.rule.direction)} ${o.rule.traffic}`), ["ingress tcp/5432", "egress tcp/1024-65535"]);
      const acl = naclsOf(index).find((v) => v.acl?.props.id === "acl-0bb00000000000002")!;
      assert.deepEqual(
        acl.entries.map((e) => `${e.entry.direction === "egress" ? "out" : "in"} ${String(e.entry.order)} ${e.entry.allow ? "allow" : "deny"} ${e.entry.traffic}`),
        ["in 100 allow tcp/5432", "in 110 deny tcp/22", "out 100 allow tcp/1024-65535"],
      );
    });
  });

  describe("gcloud inventory", () => {
    let m: Matrix;
    let resources: NetResource[];
    const web = "gcp:subnet:web-subnet/vm:web-1";
    const bastion = "gcp:subnet:web-subnet/vm:bastion-1";
    const db = "gcp:subnet:db-subnet/vm:db-1";
    before(async () => {
      resources = await inventory("gcp");
      m = analyseReachability(resources);
    });

    it("internet -> bastion-1 tcp/22 (world-open admin port), -> web-1 tcp/80,443, -> db-1 nothing; the disabled allow-all counts for nothing", () => {
      assert.equal(allowed(m, "internet", bastion), "tcp/22");
      assert.equal(allowed(m, "internet", web), tcps(80, 443).toString());
      assert.equal(allowed(m, "internet", db), "nothing");
    });

    it("source tags join: web-1 -> db-1 tcp/5432 (and icmp from the internal range); bastion-1 -> db-1 icmp only", () => {
      assert.equal(allowed(m, web, db), tcp(5432).union(TrafficSet.of("icmp")).toString());
      assert.equal(allowed(m, bastion, db), "icmp");
    });

    it("db-1's egress deny holds: it reaches neither the internet nor web-1's ports", () => {
      assert.equal(allowed(m, db, "internet"), "nothing");
      assert.equal(allowed(m, db, web), "nothing");
    });

    it("the packs' firewall reader sees the API's allowed/denied blocks", () => {
      const fw = (name: string) => normaliseFirewall(resources.find((r) => r.name === name)!.props as PlainObject);
      assert.equal(fw("allow-web").allow.toString(), tcps(80, 443).toString());
      assert.equal(fw("deny-db-egress").deny.toString(), "all");
      assert.equal(fw("temp-allow-all").disabled, true);
    });
  });

  describe("kubectl List", () => {
    let m: Matrix;
    let resources: NetResource[];
    before(async () => {
      resources = await inventory("k8s");
      m = analyseReachability(resources);
    });

    it("one workload per controller (their pods are judged with them), plus the bare debug pod", () => {
      const shop = m.endpoints.filter((e) => e.kind === "workload" && e.zone === "shop").map((e) => e.id).sort();
      assert.deepEqual(shop, ["k8s:shop/api", "k8s:shop/cache", "k8s:shop/debug-shell", "k8s:shop/frontend"]);
    });

    it("NetworkPolicies as deployed: frontend open on 8080, api from frontend only, ledger from shop/api on its named port", () => {
      assert.equal(allowed(m, "internet", "k8s:shop/frontend"), "tcp/8080");
      assert.equal(allowed(m, "k8s:shop/frontend", "k8s:shop/api"), "tcp/8080");
      assert.equal(allowed(m, "k8s:shop/debug-shell", "k8s:shop/api"), "nothing");
      assert.equal(allowed(m, "k8s:shop/api", "k8s:payments/ledger"), "tcp/9090");
      assert.equal(allowed(m, "k8s:shop/frontend", "k8s:payments/ledger"), "nothing");
    });

    it("the packs' NetworkPolicy reader sees the same policies", () => {
      const pol = resources.find((r) => r.name === "payments/ledger-from-api")!;
      const n = normaliseNetworkPolicy(pol.props as PlainObject, pol.name);
      assert.equal(n.ingress.length, 1);
      assert.deepEqual(n.policyTypes, ["Ingress"]);
    });
  });
});
