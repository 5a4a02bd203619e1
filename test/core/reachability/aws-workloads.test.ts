/**
 * What users deploy into netseg's zones is analysed: instances, databases, functions, load
 * balancers... are endpoints of their own (`aws:<zone>/<kind>:<name>`), with their own addresses
 * and security groups, placed in the zone of their subnet. Written from AWS's documented
 * behaviour: security groups are stateful and per interface, NACLs apply only to traffic that
 * crosses a subnet boundary, the internet reaches only an interface with a public address, and
 * a load balancer accepts only its listeners' ports.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseIntent } from "../../../core/intent";
import { analyseReachability, compareWithIntent, type NetResource, type Path } from "../../../core/reachability";
import { LazyPath, pathTraffic, WalkMemo } from "../../../core/reachability/stage";
import { TrafficSet } from "../../../core/net/ports";
import { generateWorkloadStack } from "../../../bench/reachability-gen";
import { awsResources, baseline, nacl, T } from "./aws-fixture";
import { res, UNKNOWN_STRING, urnOf } from "./build";

const intent = parseIntent({
  name: "shop",
  addressSpace: "10.0.0.0/16",
  zones: [{ name: "edge", internet: "inbound", egress: "nat" }, { name: "app", egress: "nat" }, { name: "data", sensitive: true }],
  flows: [
    { from: "internet", to: "edge", ports: ["tcp/443"] },
    { from: "edge", to: "app", ports: ["tcp/8080"] },
    { from: "app", to: "data", ports: ["tcp/5432"] },
  ],
});

const W = {
  instance: "aws:ec2/instance:Instance",
  rds: "aws:rds/instance:Instance",
  rdsSubnets: "aws:rds/subnetGroup:SubnetGroup",
  lambda: "aws:lambda/function:Function",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  tg: "aws:lb/targetGroup:TargetGroup",
  lt: "aws:ec2/launchTemplate:LaunchTemplate",
  asg: "aws:autoscaling/group:Group",
  ecs: "aws:ecs/service:Service",
  eks: "aws:eks/nodeGroup:NodeGroup",
  vpce: "aws:ec2/vpcEndpoint:VpcEndpoint",
  cache: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheSubnets: "aws:elasticache/subnetGroup:SubnetGroup",
};

const VPC_DEP = { dependencies: [urnOf(T.VPC, "main")], propertyDependencies: { vpcId: [urnOf(T.VPC, "main")] } };
const allOut = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }];

/** The baseline with NACLs that pass the VPC's own traffic (so security groups decide) and data's return traffic. */
function openNacls() {
  const f = baseline();
  for (const z of ["edge", "app", "data"]) {
    f.nacl[z].ingress = [...f.nacl[z].ingress, nacl(200, "allow", "10.0.0.0/16", 0, 65535)];
    f.nacl[z].egress = [...f.nacl[z].egress, nacl(200, "allow", "10.0.0.0/16", 0, 65535)];
  }
  return f;
}

/** An app team's own group: `ingress` from other groups by id, all egress. */
function sg(name: string, ingress: unknown[] = [], egress: unknown[] = allOut): NetResource {
  return res(T.SG, name, { vpcId: "main-id", ingress, egress }, VPC_DEP);
}
const fromGroup = (port: number, ...groups: string[]) => ({ protocol: "tcp", fromPort: port, toPort: port, securityGroups: groups.map((g) => `${g}-id`) });

function instance(name: string, zone: string, groups: string[], props: Record<string, unknown> = {}): NetResource {
  return res(W.instance, name, { ami: "ami-1", instanceType: "t3.micro", subnetId: `subnet-${zone}-id`, vpcSecurityGroupIds: groups.map((g) => `${g}-id`), ...props });
}

function ordersDb(ingress: unknown[]): NetResource[] {
  return [
    sg("sg-orders-db", ingress, []),
    res(W.rdsSubnets, "orders", { name: "orders-subnets", subnetIds: ["subnet-data-id"] }),
    res(W.rds, "orders-db", { engine: "postgres", dbSubnetGroupName: "orders-subnets", vpcSecurityGroupIds: ["sg-orders-db-id"], publiclyAccessible: false }),
  ];
}

describe("reachability / AWS workloads", () => {
  it("an application team's instances and database are endpoints in their subnets' zones, and a group rule letting the edge reach the database is an unintended path naming the rule", () => {
    const f = openNacls();
    f.extra = [
      sg("sg-web", [fromGroup(443, "sg-edge")]),
      instance("web", "edge", ["sg-web"]),
      sg("sg-api"),
      instance("api", "app", ["sg-api"]),
      ...ordersDb([fromGroup(5432, "sg-api"), fromGroup(5432, "sg-web")]),
    ];
    const m = analyseReachability(awsResources(f), { intent });
    const ids = m.endpoints.filter((e) => e.kind === "workload").map((e) => [e.id, e.zone, e.workloadKind]);
    assert.deepEqual(ids, [
      ["aws:app/ec2:api", "app", "ec2"],
      ["aws:data/rds:orders-db", "data", "rds"],
      ["aws:edge/ec2:web", "edge", "ec2"],
    ]);
    assert.equal(String(m.pair("aws:app/ec2:api", "aws:data/rds:orders-db")!.allowed), "tcp/5432");
    assert.equal(String(m.pair("aws:edge/ec2:web", "aws:data/rds:orders-db")!.allowed), "tcp/5432");
    const r = compareWithIntent(m, intent);
    const hit = r.unintended.find((u) => u.from === "aws:edge/ec2:web" && u.to === "aws:data/rds:orders-db");
    assert.ok(hit, r.unintended.map((u) => u.message).join("\n"));
    assert.equal(String(hit.traffic), "tcp/5432");
    assert.ok(hit.rules.some((x) => x.urn === urnOf(T.SG, "sg-orders-db") && x.rule === "ingress[1]"), JSON.stringify(hit.rules));
    // The intended flow app -> data holds for the app's own instance: no finding for it.
    assert.ok(!r.unintended.some((u) => u.from === "aws:app/ec2:api" && u.to === "aws:data/rds:orders-db"));
  });

  it("conformance names the workload, the zones whose intent it breaks and the workloads alike; flows stay owed by zones, and a zone's own traffic is not judged", () => {
    const f = openNacls();
    f.extra = [sg("sg-web", [], allOut), instance("web", "edge", ["sg-web"]), instance("web-2", "edge", ["sg-web"]), ...ordersDb([fromGroup(5432, "sg-web")])];
    const r = compareWithIntent(analyseReachability(awsResources(f), { intent }), intent);
    const messages = r.unintended.map((u) => u.message);
    const hit = messages.filter((m) => m.includes("orders-db"));
    assert.equal(hit.length, 1, messages.join("\n"));
    assert.match(hit[0], /^aws:edge\/ec2:web -> aws:data\/rds:orders-db on tcp\/5432 is allowed but not in the intent \(from ec2 web of zone edge, to rds orders-db of zone data; the intent lets edge reach data on nothing; the same holds for 1 workload alike: aws:edge\/ec2:web-2\), by .*sg-orders-db ingress\[0\]/);
    // web -> the edge zone's own group is edge's own traffic; the database owes app nothing on its own.
    assert.ok(!messages.some((m) => m.startsWith("aws:edge/ec2:web -> aws:edge ")), messages.join("\n"));
    assert.ok(!r.accidentalDenies.some((d) => d.from.includes("/") || d.to.includes("/")), r.accidentalDenies.map((d) => d.message).join("\n"));
  });

  it("a destination admitting what the intent forbids, held back by a NACL today, is a latent path naming the group rule and the NACL entry; none when the groups follow the intent", () => {
    const f = baseline(); // data's NACL admits only app's block
    f.nacl.data.egress = [nacl(100, "allow", "10.0.1.0/24", 1024, 65535)];
    f.extra = [sg("sg-jump"), instance("jump", "edge", ["sg-jump"]), ...ordersDb([fromGroup(5432, "sg-app"), fromGroup(5432, "sg-jump")])];
    const r = compareWithIntent(analyseReachability(awsResources(f), { intent }), intent);
    assert.deepEqual(r.unintended.filter((u) => u.to.includes("orders-db")), []);
    const hit = r.latent.find((u) => u.from === "aws:edge/ec2:jump" && u.to === "aws:data/rds:orders-db");
    assert.ok(hit, JSON.stringify(r.latent.map((l) => l.message)));
    assert.equal(String(hit.traffic), "tcp/5432");
    assert.match(hit.message, /^aws:data\/rds:orders-db admits aws:edge\/ec2:jump on tcp\/5432, which the intent does not allow \(.*\), by sg-orders-db ingress\[1\]; only other checks stop it today: acl-data inbound rule 32767 \(default deny\)/);
    assert.ok(hit.urns.includes(urnOf(T.NACL, "acl-data")) && hit.urns.includes(urnOf(T.SG, "sg-orders-db")), hit.urns.join(", "));
    f.extra = [sg("sg-jump"), instance("jump", "edge", ["sg-jump"]), ...ordersDb([fromGroup(5432, "sg-app")])];
    assert.deepEqual(compareWithIntent(analyseReachability(awsResources(f), { intent }), intent).latent.map((l) => l.message), []);
  });

  it("two instances of one subnet on either side of a NACL deny get different answers", () => {
    const f = openNacls();
    f.nacl.data.ingress = [nacl(90, "deny", "10.0.1.128/25", 5432), ...f.nacl.data.ingress];
    f.extra = [
      sg("sg-api"),
      instance("api-low", "app", ["sg-api"], { privateIp: "10.0.1.10" }),
      instance("api-high", "app", ["sg-api"], { privateIp: "10.0.1.200" }),
      ...ordersDb([fromGroup(5432, "sg-api")]),
    ];
    const m = analyseReachability(awsResources(f), { intent });
    assert.equal(String(m.pair("aws:app/ec2:api-low", "aws:data/rds:orders-db")!.allowed), "tcp/5432");
    assert.equal(String(m.pair("aws:app/ec2:api-high", "aws:data/rds:orders-db")!.possible), "nothing");
    assert.equal(m.endpoints.find((e) => e.id === "aws:app/ec2:api-high")!.addresses!.toString(), "10.0.1.200/32");
  });

  it("instances in one subnet reach each other without the subnet's NACL (NACLs filter only traffic that crosses a subnet boundary)", () => {
    const f = baseline(); // app's NACL admits nothing from app's own block
    f.extra = [sg("sg-jump"), instance("jump", "app", ["sg-jump"]), sg("sg-worker", [fromGroup(22, "sg-jump")]), instance("worker", "app", ["sg-worker"])];
    const m = analyseReachability(awsResources(f), { intent });
    assert.equal(String(m.pair("aws:app/ec2:jump", "aws:app/ec2:worker")!.allowed), "tcp/22");
    // From another subnet the NACL applies: edge's instance is stopped at app's NACL.
    f.extra.push(sg("sg-edge-box"), instance("edge-box", "edge", ["sg-edge-box"]));
    f.extra[2] = sg("sg-worker", [fromGroup(22, "sg-jump", "sg-edge-box")]);
    const m2 = analyseReachability(awsResources(f), { intent });
    assert.equal(String(m2.pair("aws:app/ec2:jump", "aws:app/ec2:worker")!.allowed), "tcp/22");
    assert.equal(String(m2.pair("aws:edge/ec2:edge-box", "aws:app/ec2:worker")!.possible), "nothing");
  });

  it("the internet reaches an instance only with a public address; without one the block names the instance", () => {
    const f = openNacls();
    f.extra = [instance("public", "edge", ["sg-edge"], { associatePublicIpAddress: true }), instance("private", "edge", ["sg-edge"], { associatePublicIpAddress: false })];
    const m = analyseReachability(awsResources(f), { intent });
    assert.equal(String(m.pair("internet", "aws:edge/ec2:public")!.allowed), "tcp/443");
    const blocked = m.pair("internet", "aws:edge/ec2:private")!;
    assert.equal(String(blocked.possible), "nothing");
    const stage = blocked.paths[0].stages.find((s) => s.label.startsWith("public address"));
    assert.match(stage!.missing, /private has no public address .*the internet cannot reach it directly/);
    // Unknown at preview (the subnet's mapPublicIpOnLaunch decides, and it is unknown): a "maybe".
    f.extra = [instance("unsure", "edge", ["sg-edge"], { associatePublicIpAddress: UNKNOWN_STRING })];
    const m2 = analyseReachability(awsResources(f), { intent });
    const unsure = m2.pair("internet", "aws:edge/ec2:unsure")!;
    assert.equal(String(unsure.allowed), "nothing");
    assert.equal(String(unsure.possible), "tcp/443");
  });

  it("out to the internet, an interface without a public address needs a NAT gateway: an internet gateway route does not serve a function", () => {
    const f = openNacls();
    f.sg.edge.egress = allOut;
    f.nacl.edge.egress = [nacl(100, "allow", "0.0.0.0/0", 0, 65535)];
    f.nacl.edge.ingress = [nacl(100, "allow", "0.0.0.0/0", 0, 65535)];
    f.extra = [res(W.lambda, "hook", { vpcConfig: { subnetIds: ["subnet-edge-id"], securityGroupIds: ["sg-edge-id"] } })];
    const m = analyseReachability(awsResources(f), { intent });
    assert.notEqual(String(m.pair("aws:edge", "internet")!.allowed), "nothing");
    const fn = m.pair("aws:edge/lambda:hook", "internet")!;
    assert.equal(String(fn.possible), "nothing");
    assert.ok(fn.paths.some((p) => p.stages.some((s) => /through a NAT gateway \(it has no public address/.test(s.missing))));
    // app routes 0.0.0.0/0 to a NAT gateway: a function there gets out.
    f.sg.app.egress = allOut;
    f.nacl.app.egress = [nacl(100, "allow", "0.0.0.0/0", 0, 65535)];
    f.nacl.app.ingress = [nacl(100, "allow", "0.0.0.0/0", 0, 65535)];
    f.extra = [res(W.lambda, "hook", { vpcConfig: { subnetIds: ["subnet-app-id"], securityGroupIds: ["sg-app-id"] } })];
    assert.equal(String(analyseReachability(awsResources(f), { intent }).pair("aws:app/lambda:hook", "internet")!.allowed), "tcp");
  });

  it("a load balancer accepts only its listeners' ports, and an internal one is not reachable from the internet", () => {
    const f = openNacls();
    f.sg.edge.egress = allOut;
    f.extra = [
      sg("sg-alb", [{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }]),
      res(W.lb, "api", { internal: true, loadBalancerType: "application", subnets: ["subnet-app-id"], securityGroups: ["sg-alb-id"] }),
      res(W.tg, "api-tg", { port: 8080, protocol: "HTTP", targetType: "instance", vpcId: "main-id" }),
      res(W.listener, "api-https", { loadBalancerArn: "api-id", port: 443, protocol: "HTTPS", defaultActions: [{ type: "forward", targetGroupArn: "api-tg-id" }] }),
    ];
    const m = analyseReachability(awsResources(f), { intent });
    assert.equal(String(m.pair("aws:edge", "aws:app/lb:api")!.allowed), "tcp/443");
    assert.equal(String(m.pair("internet", "aws:app/lb:api")!.possible), "nothing");
    const edgeToLb = m.pair("aws:edge", "aws:app/lb:api")!;
    assert.ok(edgeToLb.allowedBy.some((r) => r.urn === urnOf(W.listener, "api-https")), JSON.stringify(edgeToLb.allowedBy));
    // Without a listener of this stack the ports are unknown: possible, never certain.
    f.extra = f.extra.slice(0, 3);
    const m2 = analyseReachability(awsResources(f), { intent });
    assert.equal(String(m2.pair("aws:edge", "aws:app/lb:api")!.allowed), "nothing");
    assert.notEqual(String(m2.pair("aws:edge", "aws:app/lb:api")!.possible), "nothing");
  });

  it("an internet-facing load balancer is the internet's way to its targets: its listener, target group and the groups between are named", () => {
    const f = openNacls();
    f.sg.edge.egress = allOut;
    f.extra = [
      sg("sg-api", [fromGroup(8080, "sg-edge")]),
      res(W.lt, "api-lt", { vpcSecurityGroupIds: ["sg-api-id"] }),
      res(W.asg, "api", { vpcZoneIdentifiers: ["subnet-app-id"], launchTemplate: { id: "api-lt-id" }, targetGroupArns: ["api-tg-id"] }),
      res(W.lb, "front", { internal: false, loadBalancerType: "application", subnets: ["subnet-edge-id"], securityGroups: ["sg-edge-id"] }),
      res(W.tg, "api-tg", { port: 8080, protocol: "HTTP", targetType: "instance", vpcId: "main-id" }),
      res(W.listener, "front-https", { loadBalancerArn: "front-id", port: 443, protocol: "HTTPS", defaultActions: [{ type: "forward", forward: { targetGroups: [{ arn: "api-tg-id", weight: 1 }] } }] }),
    ];
    const m = analyseReachability(awsResources(f), { intent });
    const viaLb = m.pair("internet", "aws:app/asg:api")!;
    assert.equal(String(viaLb.allowed), "tcp/8080");
    assert.ok(viaLb.allowedBy.some((r) => r.urn === urnOf(W.listener, "front-https")), JSON.stringify(viaLb.allowedBy));
    assert.ok(viaLb.allowedBy.some((r) => r.urn === urnOf(T.SG, "sg-api")), JSON.stringify(viaLb.allowedBy));
    const r = compareWithIntent(m, intent);
    const hit = r.unintended.find((u) => u.from === "internet" && u.to === "aws:app/asg:api");
    assert.ok(hit && hit.urns.includes(urnOf(W.listener, "front-https")), r.unintended.map((u) => u.message).join("\n"));
    // The target's group closed to the balancer: no way through it.
    f.extra[0] = sg("sg-api", []);
    assert.equal(String(analyseReachability(awsResources(f), { intent }).pair("internet", "aws:app/asg:api")!.possible), "nothing");
  });

  it("a workload whose subnet is unknown at preview is a 'maybe' among its candidate subnets, never certain", () => {
    const f = openNacls();
    const api = res(W.instance, "api", { subnetId: UNKNOWN_STRING, vpcSecurityGroupIds: ["sg-app-id"] }, {
      dependencies: [urnOf(T.SUBNET, "subnet-app"), urnOf(T.SUBNET, "subnet-data")],
      propertyDependencies: { subnetId: [urnOf(T.SUBNET, "subnet-app"), urnOf(T.SUBNET, "subnet-data")] },
    });
    f.extra = [api];
    const m = analyseReachability(awsResources(f), { intent });
    const ep = m.endpoints.find((e) => e.resource === api.urn)!;
    assert.equal(ep.id, "aws:ec2:api");
    assert.equal(ep.zone, undefined);
    const toData = m.pair(ep.id, "aws:data")!;
    assert.equal(String(toData.allowed), "nothing");
    assert.equal(String(toData.possible), "tcp/5432");
  });

  it("an instance naming no group has the VPC's default group: reachable only from members of that group", () => {
    const f = openNacls();
    f.sg.edge.egress = allOut;
    f.extra = [instance("legacy-a", "app", []), instance("legacy-b", "app", [])];
    const m = analyseReachability(awsResources(f), { intent });
    assert.equal(String(m.pair("aws:app/ec2:legacy-a", "aws:app/ec2:legacy-b")!.allowed), "all");
    assert.equal(String(m.pair("aws:edge", "aws:app/ec2:legacy-a")!.possible), "nothing");
  });

  it("RDS by subnet group name, ElastiCache, Auto Scaling groups from launch templates, ECS services, interface endpoints and EKS node groups are placed with their groups", () => {
    const f = openNacls();
    f.sg.edge.egress = allOut;
    const tplDep = { propertyDependencies: { launchTemplate: [urnOf(W.lt, "api-lt")] }, dependencies: [urnOf(W.lt, "api-lt")] };
    f.extra = [
      sg("sg-api"),
      sg("sg-cache", [fromGroup(6379, "sg-api")], []),
      res(W.cacheSubnets, "cache-subnets", { name: "cache-subnets", subnetIds: ["subnet-data-id"] }),
      res(W.cache, "sessions", { subnetGroupName: "cache-subnets", securityGroupIds: ["sg-cache-id"] }),
      res(W.lt, "api-lt", { vpcSecurityGroupIds: ["sg-api-id"] }),
      res(W.asg, "api-asg", { vpcZoneIdentifiers: ["subnet-app-id"], launchTemplate: { id: UNKNOWN_STRING, version: "$Latest" } }, tplDep),
      res(W.ecs, "worker", { networkConfiguration: { subnets: ["subnet-app-id"], securityGroups: ["sg-api-id"], assignPublicIp: false } }),
      res(W.vpce, "ssm", { vpcEndpointType: "Interface", serviceName: "com.amazonaws.eu-west-1.ssm", subnetIds: ["subnet-app-id"], securityGroupIds: ["sg-api-id"] }),
      res(W.eks, "nodes", { clusterName: "main", subnetIds: ["subnet-app-id"] }),
    ];
    const m = analyseReachability(awsResources(f), { intent });
    const byKind = Object.fromEntries(m.endpoints.filter((e) => e.kind === "workload").map((e) => [e.workloadKind, e.id]));
    assert.deepEqual(byKind, { asg: "aws:app/asg:api-asg", ecs: "aws:app/ecs:worker", vpce: "aws:app/vpce:ssm", eks: "aws:app/eks:nodes", elasticache: "aws:data/elasticache:sessions" });
    assert.equal(String(m.pair("aws:app/asg:api-asg", "aws:data/elasticache:sessions")!.allowed), "tcp/6379");
    // The node group's groups are EKS's cluster group, not in the stack: only a "maybe".
    const nodes = m.pair("aws:app/eks:nodes", "aws:data/elasticache:sessions")!;
    assert.equal(String(nodes.allowed), "nothing");
    assert.equal(String(nodes.possible), "nothing"); // the cache's group admits only sg-api
    assert.notEqual(String(m.pair("aws:edge", "aws:app/eks:nodes")!.possible), "nothing");
  });

  it("alike workloads in different subnets of one NACL: each pair keeps the paths that hold for it (one subnet: no NACL; two: the NACL)", () => {
    const f = baseline();
    // app spans two subnets sharing its NACL, which admits nothing from app's own block; no rule
    // names one app subnet apart from the other.
    f.sg.data.ingress = [fromGroup(5432, "sg-app")];
    f.nacl.data.ingress = [nacl(100, "allow", "10.0.0.0/16", 5432)];
    f.nacl.edge.egress = [nacl(100, "allow", "10.0.0.0/16", 8080), nacl(110, "allow", "0.0.0.0/0", 1024, 65535)];
    f.extra = [
      res(T.SUBNET, "subnet-app-2", { vpcId: "main-id", cidrBlock: "10.0.3.0/24", tags: { "netseg:zone": "app" } }, VPC_DEP),
      res(T.RTA, "rta-app-2", { subnetId: "subnet-app-2-id", routeTableId: "rt-app-id" }),
      sg("sg-box", [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] }]),
      instance("one-a", "app", ["sg-box"]),
      instance("one-b", "app", ["sg-box"]),
      res(W.instance, "two-a", { subnetId: "subnet-app-2-id", vpcSecurityGroupIds: ["sg-box-id"] }),
    ];
    const resources = awsResources(f).map((r) => (r.name === "acl-app" ? { ...r, props: { ...r.props, subnetIds: ["subnet-app-id", "subnet-app-2-id"] } } : r));
    const m = analyseReachability(resources, { intent });
    const eps = m.endpoints.filter((e) => e.workloadKind === "ec2");
    assert.equal(eps.filter((e) => !e.sameAs).length, 1, JSON.stringify(eps.map((e) => [e.id, e.sameAs])));
    assert.equal(String(m.pair("aws:app/ec2:one-a", "aws:app/ec2:one-b")!.allowed), "tcp/22");
    assert.equal(String(m.pair("aws:app/ec2:one-a", "aws:app/ec2:two-a")!.possible), "nothing");
    assert.equal(String(m.pair("aws:app/ec2:two-a", "aws:app/ec2:one-b")!.possible), "nothing");
    // The class pair in the matrix's list holds what some member pair can do.
    const rep = eps.find((e) => !e.sameAs)!.id;
    assert.equal(String(m.pairs.find((p) => p.from === rep && p.to === rep)!.allowed), "tcp/22");
  });

  it("the walk memo answers as the plain walk on random stage sequences sharing prefixes", () => {
    const spec = fc.constantFrom(
      TrafficSet.ALL,
      TrafficSet.EMPTY,
      TrafficSet.of("tcp", 22, 22),
      TrafficSet.of("tcp", 1, 1000),
      TrafficSet.of("udp", 53, 53),
      TrafficSet.fromSpecs([{ protocol: "tcp", from: 443, to: 443 }, { protocol: "udp", from: 443, to: 443 }]),
      TrafficSet.of("icmp"),
    );
    const stage = fc.tuple(spec, spec).map(([a, b]) => ({ label: "s", lower: a.intersect(b), upper: a, grants: [], denies: [], missing: "m" }));
    fc.assert(
      fc.property(fc.array(stage, { minLength: 1, maxLength: 6 }), fc.array(fc.array(fc.nat(5), { maxLength: 5 }), { minLength: 1, maxLength: 20 }), (pool, seqs) => {
        const memo = new WalkMemo();
        for (const seq of seqs) {
          const stages = seq.map((i) => pool[i % pool.length]);
          const plain: Path = { label: "p", stages };
          const lazy = new LazyPath("p", stages.map((s) => () => s), memo);
          const [x, y] = [pathTraffic(plain), pathTraffic(lazy)];
          assert.equal(String(y.lower), String(x.lower));
          assert.equal(String(y.upper), String(x.upper));
        }
      }),
    );
  });

  it("every verdict of a generated workload stack equals the one its paths give (shortcuts for closed pairs, memo)", () => {
    for (const [n, subnets] of [[60, 12], [150, 30]]) {
      const m = analyseReachability(generateWorkloadStack(n, subnets));
      for (const p of m.pairs) {
        let lower = TrafficSet.EMPTY;
        let upper = TrafficSet.EMPTY;
        for (const path of p.paths) {
          const plain = pathTraffic({ label: path.label, stages: path.stages });
          lower = lower.union(plain.lower);
          upper = upper.union(plain.upper);
        }
        assert.equal(String(p.allowed), String(lower), `${p.from} -> ${p.to}`);
        assert.equal(String(p.possible), String(upper), `${p.from} -> ${p.to}`);
      }
    }
  });

  it("alike workloads are judged once: members answer with their representative's verdict, and a stack with one member alone gives the same answers (random addresses and NACL cuts)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 4, max: 250 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 25, max: 30 }),
        fc.integer({ min: 0, max: 255 }),
        (hosts, prefix, at) => {
          const f = openNacls();
          const size = 2 ** (32 - prefix);
          const cut = `10.0.1.${Math.floor(at / size) * size}/${prefix}`;
          f.nacl.data.ingress = [nacl(90, "deny", cut, 5432), ...f.nacl.data.ingress];
          const ips = [...new Set(hosts)];
          const boxes = ips.map((h) => instance(`api-${h}`, "app", ["sg-api"], { privateIp: `10.0.1.${h}` }));
          f.extra = [sg("sg-api"), ...ordersDb([fromGroup(5432, "sg-api")]), ...boxes];
          const all = analyseReachability(awsResources(f), { intent });
          const judged = all.endpoints.filter((e) => e.kind === "workload" && e.workloadKind === "ec2" && !e.sameAs).length;
          assert.ok(judged <= 2, `${judged} classes for instances on two sides of one cut`);
          for (const box of boxes) {
            const id = `aws:app/ec2:${box.name}`;
            f.extra = [sg("sg-api"), ...ordersDb([fromGroup(5432, "sg-api")]), box];
            const alone = analyseReachability(awsResources(f), { intent });
            for (const [from, to] of [[id, "aws:data/rds:orders-db"], ["aws:data/rds:orders-db", id], [id, "aws:edge"], [id, "internet"]]) {
              assert.equal(String(all.pair(from, to)!.possible), String(alone.pair(from, to)!.possible), `${from} -> ${to}`);
              assert.equal(String(all.pair(from, to)!.allowed), String(alone.pair(from, to)!.allowed), `${from} -> ${to}`);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
