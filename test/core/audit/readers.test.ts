/**
 * The inventory readers record by record: each tool's output detected from its content, turned
 * into the provider's resource shape (ids, props as the provider names them, stable URNs), every
 * record not read listed with its JSON path and why, pages and concatenated outputs read whole,
 * and records two outputs both hold read once.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { joinInventory, readInventory, readInventoryFile } from "../../../core/audit/readers";
import { analyseReachability, type NetResource } from "../../../core/reachability";

const FIXTURES = path.join(__dirname, "../../fixtures/audit");
const fixture = (f: string) => readFileSync(path.join(FIXTURES, f), "utf8");
const read = (f: string) => readInventoryFile(path.join(FIXTURES, f), fixture(f));
const byId = (rs: readonly NetResource[], id: string) => rs.find((r) => r.id === id);

describe("audit readers", () => {
  describe("AWS CLI outputs", () => {
    it("detects the format from content and synthesizes stable URNs from the cloud's ids", () => {
      const a = read("aws/describe-vpcs.json");
      assert.equal(a.format, "aws-cli");
      const vpc = byId(a.resources, "vpc-0a1b2c3d4e5f60001")!;
      assert.equal(vpc.urn, "urn:pulumi:audit::inventory::aws:ec2/vpc:Vpc::vpc-0a1b2c3d4e5f60001");
      assert.deepEqual(vpc.props, { id: "vpc-0a1b2c3d4e5f60001", cidrBlock: "10.0.0.0/16", ipv6CidrBlock: "2600:1f18:abc:d00::/56", instanceTenancy: "default", dhcpOptionsId: "dopt-0aa00000000000001", ownerId: "111122223333", tags: { Name: "prod" } });
      // A secondary block is a resource of its own, as in the provider.
      assert.ok(a.resources.some((r) => r.type === "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation" && r.props?.cidrBlock === "10.2.0.0/16"));
      assert.deepEqual(read("aws/describe-vpcs.json"), a, "the same file reads the same, byte for byte");
    });

    it("security groups: one provider rule per permission and description, self references as self, peered group ids kept", () => {
      const r = read("aws/describe-security-groups.json");
      assert.equal(r.resources.length, 7, "both pages of the paginated output are read");
      assert.deepEqual(r.skipped, [], "a NextToken followed by its next page is no missing page");
      const app = byId(r.resources, "sg-0aa000000000000a1")!;
      assert.equal(app.type, "aws:ec2/securityGroup:SecurityGroup");
      assert.deepEqual((app.props!.egress as unknown[])[0], {
        protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: [], ipv6CidrBlocks: [], prefixListIds: [], securityGroups: ["sg-0bb000000000000d1"], self: false, description: "to the database across the peering",
      });
      const def = byId(r.resources, "sg-0aa000000000000d0")!;
      assert.equal(def.type, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
      assert.deepEqual((def.props!.ingress as Record<string, unknown>[]).map((x) => [x.protocol, x.fromPort, x.toPort, x.self, x.securityGroups]), [["-1", 0, 0, true, []]]);
      const web = byId(r.resources, "sg-0aa000000000000e1")!;
      // tcp/443 from the world (no description) and from the prefix list (described): two rules.
      assert.deepEqual((web.props!.ingress as Record<string, unknown>[]).map((x) => [x.fromPort, x.cidrBlocks, x.ipv6CidrBlocks, x.prefixListIds, x.description]), [
        [443, ["0.0.0.0/0"], ["::/0"], [], undefined],
        [443, [], [], ["pl-0a1b2c3d4e5f60718"], "corporate ranges"],
        [22, [], [], [], "from bastion"],
      ]);
    });

    it("a last page ending with a NextToken is listed: records on the next pages are not read", () => {
      const page = JSON.parse(fixture("aws/describe-security-groups.json").split("\n}\n")[0] + "\n}");
      const r = readInventoryFile("sg-page1.json", JSON.stringify(page));
      assert.equal(r.skipped.length, 1);
      assert.equal(r.skipped[0].at, "$.NextToken");
      assert.match(r.skipped[0].reason, /NextToken .* no later page of SecurityGroups follows/);
    });

    it("NACLs: entries in the provider's inline shape, the * entries counted as the implied deny, associations as subnetIds", () => {
      const r = read("aws/describe-network-acls.json");
      const acl = byId(r.resources, "acl-0bb00000000000002")!;
      assert.deepEqual(acl.props!.subnetIds, ["subnet-0bb000000000000b1"]);
      assert.deepEqual(acl.props!.ingress, [
        { ruleNo: 100, action: "allow", protocol: "6", fromPort: 5432, toPort: 5432, cidrBlock: "10.0.2.0/24" },
        { ruleNo: 110, action: "deny", protocol: "6", fromPort: 22, toPort: 22, cidrBlock: "0.0.0.0/0" },
      ]);
      assert.equal(r.counts["AWS::EC2::NetworkAclEntry (the * default deny, implied)"], 10);
      assert.deepEqual((byId(r.resources, "acl-0aa00000000000001")!.props!.ingress as unknown[]).length, 2, "IPv4 and IPv6 allow-all of the default NACL");
    });

    it("route tables: main association, blackhole routes without a target, prefix-list routes listed as not read", () => {
      const r = read("aws/describe-route-tables.json");
      const main = r.resources.filter((x) => x.type === "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation").map((x) => [x.props!.vpcId, x.props!.routeTableId]);
      assert.deepEqual(main, [["vpc-0a1b2c3d4e5f60001", "rtb-0aa00000000000002"], ["vpc-0a1b2c3d4e5f60002", "rtb-0bb00000000000001"], ["vpc-0a1b2c3d4e5f60003", "rtb-0dd00000000000001"]]);
      const data = byId(r.resources, "rtb-0bb00000000000001")!;
      assert.deepEqual((data.props!.routes as unknown[])[3], { cidrBlock: "0.0.0.0/0" }, "a blackhole route carries nothing");
      assert.deepEqual(r.skipped.map((s) => [s.at, s.kind, s.id]), [["$.RouteTables[1].Routes[3]", "AWS::EC2::Route", "pl-63a5400a"]]);
      assert.match(r.skipped[0].reason, /prefix list pl-63a5400a via vpce-0aa00000000000001/);
    });

    it("instances and interfaces: primary interface read as the instance, public addresses as Eips, plumbing interfaces and terminated instances listed", async () => {
      const inst = read("aws/describe-instances.json");
      const web = byId(inst.resources, "i-0aa000000000000e1")!;
      assert.equal(web.type, "aws:ec2/instance:Instance");
      assert.equal(web.props!.subnetId, "subnet-0aa000000000000a1");
      assert.deepEqual(web.props!.vpcSecurityGroupIds, ["sg-0aa000000000000e1"]);
      assert.equal(web.props!.privateIp, "10.0.1.20");
      assert.deepEqual(web.props!.ipv6Addresses, ["2600:1f18:abc:d01::20"]);
      assert.deepEqual(inst.skipped.map((s) => [s.at, s.id]), [["$.Reservations[3].Instances[0]", "i-0aa0000000000dead"]]);
      const both = await readInventory([path.join(FIXTURES, "aws/describe-instances.json"), path.join(FIXTURES, "aws/describe-network-interfaces.json")]);
      const all = both.results.flatMap((x) => x.resources);
      assert.deepEqual(all.filter((x) => x.type === "aws:ec2/networkInterface:NetworkInterface").map((x) => x.id), ["eni-0aa00000000000f01"], "the four primary interfaces are the instances");
      assert.equal(all.filter((x) => x.type === "aws:ec2/eip:Eip").length, 2, "one public address each for bastion and web-1, seen in both outputs");
      const eni = both.results[1];
      assert.deepEqual(eni.skipped.map((s) => [s.at, s.id]), [["$.NetworkInterfaces[5]", "eni-0bb00000000000c01"]]);
      assert.match(eni.skipped[0].reason, /nat_gateway/);
    });

    it("another command's output is AWS CLI too: each record listed as not read, with its path", () => {
      const r = readInventoryFile("lbs.json", JSON.stringify({ LoadBalancers: [{ LoadBalancerArn: "arn:1" }, { LoadBalancerArn: "arn:2" }], NextMarker: "x" }));
      assert.equal(r.format, "aws-cli");
      assert.deepEqual(r.skipped.map((s) => [s.at, s.kind]), [["$.LoadBalancers[0]", "AWS CLI LoadBalancers"], ["$.LoadBalancers[1]", "AWS CLI LoadBalancers"], ["$.NextMarker", "AWS CLI NextMarker"]]);
    });

    it("a folder and the same outputs concatenated in one file (`aws ... >> all.json`) read alike", async () => {
      const dir = path.join(FIXTURES, "aws");
      const files = readdirSync(dir).filter((f) => f.startsWith("describe-")).sort();
      const folder = (await readInventory(files.map((f) => path.join(dir, f)))).results.flatMap((r) => r.resources);
      const all = readInventoryFile("all.json", files.map((f) => fixture(`aws/${f}`)).join(""));
      const urns = (rs: readonly NetResource[]) => rs.map((r) => r.urn).sort();
      assert.deepEqual(urns(all.resources), urns(folder));
      assert.ok(all.skipped.some((s) => s.at.startsWith("$[doc ") && /line \d+\]/.test(s.at)), "paths name the document and its line");
    });

    it("a prefix list is complete once its entries file (named after it) is read", async () => {
      const alone = read("aws/describe-managed-prefix-lists.json");
      assert.deepEqual(alone.skipped.map((s) => s.id), ["pl-0a1b2c3d4e5f60718", "pl-63a5400a"]);
      const both = await readInventory([path.join(FIXTURES, "aws/describe-managed-prefix-lists.json"), path.join(FIXTURES, "aws/pl-0a1b2c3d4e5f60718.json")]);
      assert.deepEqual(both.results[0].skipped.map((s) => s.id), ["pl-63a5400a"]);
      const pl = both.results[1].resources[0];
      assert.equal(pl.type, "aws:ec2/managedPrefixList:ManagedPrefixList");
      assert.deepEqual(pl.props!.entries, [{ cidr: "198.51.100.0/24", description: "HQ" }, { cidr: "192.0.2.64/26", description: "VPN pool" }]);
      const unnamed = readInventoryFile("entries.json", fixture("aws/pl-0a1b2c3d4e5f60718.json"));
      assert.equal(unnamed.resources.length, 0);
      assert.match(unnamed.skipped[0].reason, /name the file after it/);
    });

    it("transit gateways: attachments with their association, default tables, routes from a file named after their table", () => {
      const tgw = readInventoryFile("tgw.json", JSON.stringify({ TransitGateways: [{ TransitGatewayId: "tgw-0a1", State: "available", OwnerId: "1", Options: { AmazonSideAsn: 64512, DefaultRouteTableAssociation: "enable", AssociationDefaultRouteTableId: "tgw-rtb-0a1", DefaultRouteTablePropagation: "enable", PropagationDefaultRouteTableId: "tgw-rtb-0a1" } }] }));
      assert.deepEqual(tgw.resources.map((r) => [r.type, r.props!.transitGatewayRouteTableId ?? r.props!.defaultRouteTableAssociation]), [
        ["aws:ec2transitgateway/transitGateway:TransitGateway", "enable"],
        ["aws:ec2transitgateway/defaultRouteTableAssociation:DefaultRouteTableAssociation", "tgw-rtb-0a1"],
        ["aws:ec2transitgateway/defaultRouteTablePropagation:DefaultRouteTablePropagation", "tgw-rtb-0a1"],
      ]);
      const att = readInventoryFile("att.json", JSON.stringify({ TransitGatewayAttachments: [
        { TransitGatewayAttachmentId: "tgw-attach-0a1", TransitGatewayId: "tgw-0a1", ResourceType: "vpc", ResourceId: "vpc-0a1", State: "available", Association: { TransitGatewayRouteTableId: "tgw-rtb-0b2", State: "associated" } },
        { TransitGatewayAttachmentId: "tgw-attach-0a2", TransitGatewayId: "tgw-0a1", ResourceType: "vpn", ResourceId: "vpn-0a1", State: "available" },
      ] }));
      assert.deepEqual(att.resources.map((r) => r.type), ["aws:ec2transitgateway/vpcAttachment:VpcAttachment", "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation"]);
      assert.deepEqual(att.skipped.map((s) => [s.at, s.id]), [["$.TransitGatewayAttachments[1]", "tgw-attach-0a2"]]);
      const routes = { Routes: [{ DestinationCidrBlock: "10.9.0.0/16", TransitGatewayAttachments: [{ ResourceId: "vpc-0a1", TransitGatewayAttachmentId: "tgw-attach-0a1", ResourceType: "vpc" }], Type: "propagated", State: "active" }, { DestinationCidrBlock: "10.8.0.0/16", Type: "static", State: "blackhole" }], AdditionalRoutesAvailable: false };
      const named = readInventoryFile("routes/tgw-rtb-0b2.json", JSON.stringify(routes));
      assert.deepEqual(named.resources.map((r) => r.props), [
        { id: "tgw-rtb-0b2/10.9.0.0/16", transitGatewayRouteTableId: "tgw-rtb-0b2", destinationCidrBlock: "10.9.0.0/16", transitGatewayAttachmentId: "tgw-attach-0a1" },
        { id: "tgw-rtb-0b2/10.8.0.0/16", transitGatewayRouteTableId: "tgw-rtb-0b2", destinationCidrBlock: "10.8.0.0/16", blackhole: true },
      ]);
      assert.equal(readInventoryFile("routes.json", JSON.stringify(routes)).skipped.length, 2);
    });
  });

  describe("AWS transit gateway inventory through the engine", () => {
    const owner = "111122223333";
    const vpc = (id: string, cidr: string) => ({ VpcId: id, CidrBlock: cidr, State: "available", OwnerId: owner, IsDefault: false, CidrBlockAssociationSet: [{ CidrBlock: cidr, CidrBlockState: { State: "associated" } }] });
    const subnet = (id: string, v: string, cidr: string) => ({ SubnetId: id, VpcId: v, CidrBlock: cidr, State: "available", MapPublicIpOnLaunch: false, Ipv6CidrBlockAssociationSet: [] });
    const table = (id: string, v: string, local: string, subnetId: string) => ({
      RouteTableId: id, VpcId: v, OwnerId: owner,
      Routes: [{ DestinationCidrBlock: local, GatewayId: "local", State: "active", Origin: "CreateRouteTable" }, { DestinationCidrBlock: "10.0.0.0/8", TransitGatewayId: "tgw-0a1", State: "active", Origin: "CreateRoute" }],
      Associations: [{ Main: false, RouteTableAssociationId: `rtbassoc-${id}`, RouteTableId: id, SubnetId: subnetId, AssociationState: { State: "associated" } }],
    });
    const group = (id: string, v: string) => ({ GroupId: id, GroupName: id, VpcId: v, OwnerId: owner, Description: "d", IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.0.0/8" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }], IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }] });
    const nic = (id: string, s: string, v: string, ip: string, g: string) => ({ NetworkInterfaceId: id, SubnetId: s, VpcId: v, PrivateIpAddress: ip, PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: ip }], Groups: [{ GroupId: g, GroupName: g }], InterfaceType: "interface", Status: "in-use", TagSet: [] });
    const inventory = [
      { Vpcs: [vpc("vpc-0a", "10.1.0.0/16"), vpc("vpc-0b", "10.2.0.0/16")] },
      { Subnets: [subnet("subnet-0a", "vpc-0a", "10.1.1.0/24"), subnet("subnet-0b", "vpc-0b", "10.2.1.0/24")] },
      { RouteTables: [table("rtb-0a", "vpc-0a", "10.1.0.0/16", "subnet-0a"), table("rtb-0b", "vpc-0b", "10.2.0.0/16", "subnet-0b")] },
      { SecurityGroups: [group("sg-0a", "vpc-0a"), group("sg-0b", "vpc-0b")] },
      { NetworkInterfaces: [nic("eni-0a", "subnet-0a", "vpc-0a", "10.1.1.10", "sg-0a"), nic("eni-0b", "subnet-0b", "vpc-0b", "10.2.1.10", "sg-0b")] },
      { TransitGateways: [{ TransitGatewayId: "tgw-0a1", State: "available", OwnerId: owner, Options: { DefaultRouteTableAssociation: "disable", DefaultRouteTablePropagation: "disable" } }] },
      { TransitGatewayRouteTables: [{ TransitGatewayRouteTableId: "tgw-rtb-0c1", TransitGatewayId: "tgw-0a1", State: "available", DefaultAssociationRouteTable: false, DefaultPropagationRouteTable: false }] },
      { TransitGatewayVpcAttachments: [
        { TransitGatewayAttachmentId: "tgw-attach-0a", TransitGatewayId: "tgw-0a1", VpcId: "vpc-0a", VpcOwnerId: owner, State: "available", SubnetIds: ["subnet-0a"] },
        { TransitGatewayAttachmentId: "tgw-attach-0b", TransitGatewayId: "tgw-0a1", VpcId: "vpc-0b", VpcOwnerId: owner, State: "available", SubnetIds: ["subnet-0b"] },
      ] },
      { TransitGatewayAttachments: ["a", "b"].map((x) => ({ TransitGatewayAttachmentId: `tgw-attach-0${x}`, TransitGatewayId: "tgw-0a1", ResourceType: "vpc", ResourceId: `vpc-0${x}`, State: "available", Association: { TransitGatewayRouteTableId: "tgw-rtb-0c1", State: "associated" } })) },
    ];
    const tgwRoutes = (bState: string) => ({ Routes: [
      { DestinationCidrBlock: "10.1.0.0/16", TransitGatewayAttachments: [{ ResourceId: "vpc-0a", TransitGatewayAttachmentId: "tgw-attach-0a", ResourceType: "vpc" }], Type: "propagated", State: "active" },
      { DestinationCidrBlock: "10.2.0.0/16", ...(bState === "active" ? { TransitGatewayAttachments: [{ ResourceId: "vpc-0b", TransitGatewayAttachmentId: "tgw-attach-0b", ResourceType: "vpc" }] } : {}), Type: "static", State: bState },
    ], AdditionalRoutesAvailable: false });
    const analyse = (bState: string) => {
      const results = [readInventoryFile("all.json", inventory.map((d) => JSON.stringify(d)).join("\n")), readInventoryFile("tgw-rtb-0c1.json", JSON.stringify(tgwRoutes(bState)))];
      return analyseReachability(joinInventory(results).flatMap((r) => r.resources));
    };
    const a = "aws:subnet:subnet-0a/eni:eni-0a";
    const b = "aws:subnet:subnet-0b/eni:eni-0b";

    it("the TGW route table read from search-transit-gateway-routes carries traffic both ways", () => {
      const m = analyse("active");
      assert.equal(m.pair(a, b)!.allowed.toString(), "tcp/443");
      assert.equal(m.pair(b, a)!.allowed.toString(), "tcp/443");
    });

    it("a blackhole route in it cuts the way to that VPC (and the replies from it)", () => {
      const m = analyse("blackhole");
      assert.equal(m.pair(a, b)!.possible.toString(), "nothing");
      assert.equal(m.pair(b, a)!.possible.toString(), "nothing");
    });
  });

  describe("gcloud lists", () => {
    it("reads the API's fields into the provider's: allowed -> allows, tags.items -> tags, serviceAccounts[0] -> serviceAccount", () => {
      const fw = read("gcp/firewall-rules.json");
      assert.equal(fw.format, "gcloud");
      const ssh = fw.resources.find((r) => r.name === "allow-ssh-bastion")!;
      assert.equal(ssh.id, "projects/shop-prod/global/firewalls/allow-ssh-bastion");
      assert.deepEqual(ssh.props!.allows, [{ protocol: "tcp", ports: ["22"] }]);
      assert.deepEqual(ssh.props!.denies, []);
      const vm = read("gcp/instances.json").resources.find((r) => r.name === "web-1")!;
      assert.deepEqual(vm.props!.tags, ["web", "http-server"]);
      assert.equal((vm.props!.serviceAccount as Record<string, unknown>).email, "123456789012-compute@developer.gserviceaccount.com");
      assert.equal((vm.props!.networkInterfaces as Record<string, unknown>[])[0].networkIp, "10.10.1.10");
      assert.equal(vm.props!.zone, "us-central1-a");
    });

    it("lists other kinds and peering routes; subnet routes are counted as implied", () => {
      assert.deepEqual(read("gcp/routers.json").skipped.map((s) => [s.at, s.kind, s.id]), [["$[0]", "compute#router", "nat-router"]]);
      const routes = read("gcp/routes.json");
      assert.equal(routes.counts["compute#route (subnet route, implied by its subnetwork)"], 2);
      assert.deepEqual(routes.skipped.map((s) => s.at), ["$[3]"]);
    });

    it("the route list decides the internet route: without the default route, no instance reaches the internet", () => {
      const base = ["networks.json", "subnets.json", "firewall-rules.json", "instances.json"].map((f) => readInventoryFile(f, fixture(`gcp/${f}`)));
      const noDefault = JSON.parse(fixture("gcp/routes.json")).filter((r: { nextHopGateway?: string }) => !r.nextHopGateway);
      const withRoutes = joinInventory([...base, readInventoryFile("routes.json", JSON.stringify(noDefault))]).flatMap((r) => r.resources);
      const vm = "gcp:subnet:web-subnet/vm:web-1";
      assert.equal(analyseReachability(withRoutes).pair(vm, "internet")!.allowed.toString(), "nothing");
      // No route list at all: GCP's default route is assumed, as for a network created with it.
      const without = joinInventory(base).flatMap((r) => r.resources);
      assert.equal(analyseReachability(without).pair(vm, "internet")!.allowed.toString(), "all");
    });
    it("a stack export read beside a gcloud route list passes through the join untouched", () => {
      const exp = readInventoryFile("stack.json", JSON.stringify({ version: 3, deployment: { manifest: {}, resources: [
        { urn: "urn:pulumi:dev::shop::gcp:compute/network:Network::net", custom: true, id: "projects/p/global/networks/net", type: "gcp:compute/network:Network", inputs: { name: "net" }, outputs: { name: "net" } },
      ] } }));
      const routes = read("gcp/routes.json");
      const [joined] = joinInventory([exp, routes]);
      assert.equal(joined, exp);
    });

    it("an auto-mode network's subnetworks all named `default`: each instance is placed by its subnetwork's self link", () => {
      const api = "https://www.googleapis.com/compute/v1/projects/p";
      const net = `${api}/global/networks/default`;
      const docs = [
        { kind: "compute#network", name: "default", selfLink: net, autoCreateSubnetworks: true },
        ...["us-central1", "europe-west1"].map((r, i) => ({ kind: "compute#subnetwork", name: "default", network: net, region: `${api}/regions/${r}`, ipCidrRange: `10.${128 + i}.0.0/20`, selfLink: `${api}/regions/${r}/subnetworks/default` })),
        { kind: "compute#instance", name: "vm-1", zone: `${api}/zones/europe-west1-b`, selfLink: `${api}/zones/europe-west1-b/instances/vm-1`, networkInterfaces: [{ network: net, subnetwork: `${api}/regions/europe-west1/subnetworks/default`, networkIP: "10.129.0.2" }] },
      ];
      const r = readInventoryFile("default-network.json", JSON.stringify(docs));
      assert.deepEqual(r.resources.filter((x) => x.name === "default").map((x) => x.id), ["projects/p/global/networks/default", "projects/p/regions/us-central1/subnetworks/default", "projects/p/regions/europe-west1/subnetworks/default"]);
      const m = analyseReachability(r.resources);
      assert.ok(m.endpoints.some((e) => e.id === "gcp:subnet:default#2/vm:vm-1"), m.endpoints.map((e) => e.id).join(", "));
    });
  });

  describe("kubectl", () => {
    it("a typed list's items take its kind; pods of a Deployment (through their ReplicaSet's name) are judged with it; Secrets are listed, never copied", () => {
      const doc = {
        apiVersion: "apps/v1",
        kind: "DeploymentList",
        items: [{ metadata: { name: "web", namespace: "a" }, spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "x" }] } } } }],
      };
      const pods = { apiVersion: "v1", kind: "List", items: [
        { apiVersion: "v1", kind: "Pod", metadata: { name: "web-5d8f7c9b6-abcde", namespace: "a", labels: { app: "web", "pod-template-hash": "5d8f7c9b6" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-5d8f7c9b6", uid: "u", controller: true }] }, spec: { containers: [{ name: "web", image: "x" }] } },
        { apiVersion: "v1", kind: "Secret", metadata: { name: "db-password", namespace: "a" }, data: { password: "aHVudGVyMg==" } },
      ] };
      const r = readInventoryFile("k.json", JSON.stringify(doc) + "\n" + JSON.stringify(pods));
      assert.equal(r.format, "kubectl");
      assert.deepEqual(r.resources.map((x) => [x.type, x.id, x.urn]), [["kubernetes:apps/v1:Deployment", "a/web", "urn:pulumi:audit::inventory::kubernetes:apps/v1:Deployment::a/web"]]);
      assert.equal(r.counts["v1 Pod (run by Deployment web of the inventory, judged with it)"], 1);
      assert.deepEqual(r.skipped.map((s) => [s.at, s.kind]), [["$[doc 2, line 2].items[1]", "v1 Secret"]]);
      assert.ok(!JSON.stringify(r).includes("aHVudGVyMg=="));
      const cron = { apiVersion: "v1", kind: "List", items: [
        { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "report", namespace: "a" }, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { metadata: { labels: { app: "report" } }, spec: { containers: [{ name: "r", image: "x" }], restartPolicy: "Never" } } } } } },
        { apiVersion: "v1", kind: "Pod", metadata: { name: "report-29410560-x7k2p", namespace: "a", labels: { app: "report" }, ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "report-29410560", uid: "u", controller: true }] }, spec: { containers: [{ name: "r", image: "x" }] } },
      ] };
      assert.deepEqual(readInventoryFile("c.json", JSON.stringify(cron)).resources.map((x) => x.id), ["a/report"]);
    });
  });
});
