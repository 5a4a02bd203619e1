/**
 * Brownfield adoption: zones guessed for subnets nobody tagged (tier tag, Name prefix, route
 * table), the drafted intent's address space, and the round trip on an AWS CLI inventory: the
 * draft audited against the same inventory reports exactly the findings the draft's header lists
 * (what no flow can declare), each guessed placement named in the report.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { parse } from "yaml";
import { writeDraftIntent } from "../../../cli/audit/draft";
import { runAudit } from "../../../cli/audit/run";
import { coveringCidr } from "../../../core/audit/draft-network";
import { guessZones, namePrefix, withGuessedZones, zoneSlug } from "../../../core/audit/zones";
import { cidr } from "../../../core/net/cidr";
import type { NetResource } from "../../../core/reachability";

const AWS_INVENTORY = path.join(__dirname, "..", "..", "fixtures", "audit", "aws");

const res = (type: string, id: string, props: Record<string, unknown>): NetResource => ({ type, urn: `urn:pulumi:audit::inventory::${type}::${id}`, name: id, id, props });
/** The findings a draft's header lists (`#   <finding>` under "still shows"). */
function headerFindings(text: string): string[] {
  const at = text.indexOf("still shows");
  if (at < 0) return [];
  return [...text.slice(at).matchAll(/^# {3}(.*)$/gm)].map((m) => m[1]);
}

const subnet = (id: string, tags: Record<string, string>, vpcId = "vpc-1") => res("aws:ec2/subnet:Subnet", id, { vpcId, cidrBlock: "10.0.0.0/24", tags });

describe("netseg audit --draft-intent (brownfield)", function () {
  this.timeout(60_000);

  it("strips the availability-zone part of a Name", () => {
    const cases: [string, string][] = [
      ["prod-app-a", "prod-app"],
      ["prod-app-1b", "prod-app"],
      ["prod-app-az2", "prod-app"],
      ["web-us-east-1a", "web"],
      ["db_2", "db"],
      ["private east", "private east"],
      ["a", "a"],
    ];
    for (const [name, prefix] of cases) assert.equal(namePrefix(name), prefix, name);
    assert.equal(zoneSlug("Prod App"), "prod-app");
    assert.equal(zoneSlug("10-net"), "z-10-net");
    assert.ok(zoneSlug("x".repeat(50)).length <= 30);
  });

  it("places a subnet by its tier tag, else its Name prefix, else its route table; never one tagged netseg:zone", () => {
    const guesses = guessZones([
      subnet("subnet-1", { Tier: "Web", Name: "ignored-a" }),
      subnet("subnet-2", { Name: "prod-app-a" }),
      subnet("subnet-3", { Name: "prod-app-b" }),
      subnet("subnet-4", {}),
      subnet("subnet-5", {}, "vpc-2"),
      subnet("subnet-6", { "netseg:zone": "data" }),
      res("aws:ec2/routeTable:RouteTable", "rtb-1", { vpcId: "vpc-1", tags: { Name: "private-rt" } }),
      res("aws:ec2/routeTableAssociation:RouteTableAssociation", "rtbassoc-1", { subnetId: "subnet-4", routeTableId: "rtb-1" }),
      res("aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation", "rtbassoc-2", { vpcId: "vpc-2", routeTableId: "rtb-2" }),
    ]);
    assert.deepEqual(
      guesses.map((g) => [g.subnet, g.zone, g.because]),
      [
        ["subnet-4", "private-rt", "route table rtb-1 (private-rt)"],
        ["subnet-2", "prod-app", "Name prod-app-a"],
        ["subnet-3", "prod-app", "Name prod-app-b"],
        ["subnet-5", "rtb-2", "route table rtb-2, its VPC's main table"],
        ["subnet-1", "web", "tag Tier=Web"],
      ],
    );
    const tagged = withGuessedZones([subnet("subnet-2", { Name: "prod-app-a" })], guesses, new Map([["prod-app", { internet: "inbound" as const, sensitive: false }]]));
    assert.deepEqual((tagged[0].props as { tags: object }).tags, { Name: "prod-app-a", "netseg:zone": "prod-app", "netseg:internet": "inbound", "netseg:sensitive": "false" });
  });

  it("gives the smallest block holding every zone's subnets as the address space (random blocks, brute-force reference)", () => {
    const block = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 8, max: 32 })).map(([a, p]) => {
      const base = p === 0 ? 0 : Math.floor(a / 2 ** (32 - p)) * 2 ** (32 - p);
      return `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join(".")}/${p}`;
    });
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 5 }), (blocks) => {
        const got = cidr(coveringCidr(blocks)!);
        const cs = blocks.map(cidr);
        // Reference: the longest prefix whose block holds every given block.
        let prefix = 32;
        const holds = (p: number) => {
          const size = 2n ** BigInt(32 - p);
          const base = (cs[0].start / size) * size;
          return cs.every((c) => c.start >= base && c.end <= base + size - 1n);
        };
        while (!holds(prefix)) prefix--;
        assert.equal(got.prefix, prefix);
        assert.ok(cs.every((c) => c.start >= got.start && c.end <= got.end));
      }),
      { numRuns: 300 },
    );
  });

  it("drafts an intent from an AWS CLI inventory; the same inventory audited against it shows exactly what its header lists", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-brownfield-"));
    const out = path.join(dir, "prod.yaml");
    const { text, summary } = writeDraftIntent([AWS_INVENTORY], out);
    const draft = parse(text);
    // The VPC with most subnets to place; the peered VPC is a peer, the unrouted default VPC only named.
    assert.equal(draft.addressSpace, "10.0.0.0/16");
    assert.deepEqual(draft.zones.map((z: { name: string; internet: string }) => [z.name, z.internet]), [["prod-app", "none"], ["prod-public", "inbound"]]);
    assert.deepEqual(draft.peers, [{ name: "shared-data", cidrs: ["10.1.0.0/16", "10.2.0.0/16"], description: "VPC vpc-0a1b2c3d4e5f60002, routed through pcx-0ab00000000000012" }]);
    assert.match(text, /# subnets: subnet-0aa000000000000a2 \(Name prod-app-a\)\n\s+- name: prod-app/);
    assert.match(text, /# TOO WIDE: admin ports open to the whole internet: SSH tcp\/22; [^\n]*\n\s+- from: internet\n\s+to: prod-public\n\s+ports:\n\s+- tcp\/22\n\s+- tcp\/443\n/);
    assert.match(text, /# Other VPC vpc-0a1b2c3d4e5f60003 \(vpc-0a1b2c3d4e5f60003, 172\.31\.0\.0\/16\), not routed from this one; .*--vpc vpc-0a1b2c3d4e5f60003/);
    assert.match(summary, /2 zones, 1 peers, \d+ flows/);
    const report = await runAudit({ intentFiles: [out], from: [AWS_INVENTORY] });
    const reach = report.analyses.find((s) => s.id === "reachability")!;
    // What the draft cannot declare is in its header, finding for finding, and nothing else fails.
    assert.deepEqual(reach.findings.filter((f) => f.severity !== "note").map((f) => f.message.replace(/^intent prod: /, "")).sort(), headerFindings(text).sort());
    // No unintended path: the instance in the peered VPC's network (which no zone takes) is the drafted peer, as its network is.
    assert.deepEqual(reach.findings.filter((f) => f.kind === "unintended-path").map((f) => [f.from, f.to]), []);
    const guessed = report.analyses.find((s) => s.id === "read")!.findings.filter((f) => f.kind === "zone-guessed");
    assert.deepEqual(guessed.map((f) => f.message.split(" (")[0]), ["subnet subnet-0aa000000000000a2 placed in zone prod-app by its Name prod-app-a", "subnet subnet-0aa000000000000a1 placed in zone prod-public by its Name prod-public-a"]);
  });

  it("drafts the VPC --vpc names with the other as its peer; the audit shows exactly what its header lists", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-brownfield-"));
    const out = path.join(dir, "data.yaml");
    const { text } = writeDraftIntent([AWS_INVENTORY], out, "vpc-0a1b2c3d4e5f60002");
    const draft = parse(text);
    assert.equal(draft.addressSpace, "10.1.0.0/16");
    assert.deepEqual(draft.zones.map((z: { name: string }) => z.name), ["data-db"]);
    assert.deepEqual(draft.flows, [
      { from: "data-db", to: "prod", ports: ["tcp/1024-65535"] },
      { from: "prod", to: "data-db", ports: ["tcp/5432"] },
    ]);
    const report = await runAudit({ intentFiles: [out], from: [AWS_INVENTORY] });
    const reach = report.analyses.find((s) => s.id === "reachability")!;
    assert.deepEqual(reach.findings.filter((f) => f.severity !== "note").map((f) => f.message.replace(/^intent data: /, "")).sort(), headerFindings(text).sort());
    assert.ok(reach.findings.filter((f) => f.kind === "unintended-path").every((f) => /from ec2 i-0aa000000000000a1 of no zone/.test(f.message)));
    assert.throws(() => writeDraftIntent([AWS_INVENTORY], out, "vpc-nope"), /--vpc vpc-nope: no VPC of that id in the inventory; the VPCs read are vpc-0a1b2c3d4e5f60001/);
  });

  it("finds the unintended path when a drafted flow is taken out", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-brownfield-"));
    const out = path.join(dir, "data.yaml");
    writeDraftIntent([AWS_INVENTORY], out, "vpc-0a1b2c3d4e5f60002");
    const draft = parse(fs.readFileSync(out, "utf8"));
    draft.flows = draft.flows.filter((f: { from: string }) => f.from !== "prod");
    fs.writeFileSync(out, JSON.stringify(draft));
    const report = await runAudit({ intentFiles: [out], from: [AWS_INVENTORY] });
    const unintended = report.analyses.find((s) => s.id === "reachability")!.findings.filter((f) => f.kind === "unintended-path");
    // The prod VPC's subnet counts as peer prod, whose flow was taken out.
    assert.ok(unintended.some((f) => /aws:subnet:subnet-0aa000000000000a2 -> aws:data-db\S* on tcp\/5432 is allowed but not in the intent/.test(f.message)), unintended.map((f) => f.message).join("\n"));
    assert.equal(report.summary.exitCode, 1);
  });

  it("drafts Kubernetes namespaces, its own referenced unmanaged, the header holding every finding the audit then shows", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-brownfield-"));
    const out = path.join(dir, "cluster.yaml");
    const from = [path.join(__dirname, "..", "..", "fixtures", "audit", "k8s")];
    const { text } = writeDraftIntent(from, out);
    const draft = parse(text);
    assert.deepEqual(draft.zones.filter((z: { managed?: boolean }) => z.managed === false).map((z: { name: string }) => z.name), ["kube-system"]);
    const report = await runAudit({ intentFiles: [out], from });
    const shown = report.analyses.find((s) => s.id === "reachability")!.findings.filter((f) => f.severity !== "note");
    assert.deepEqual(shown.map((f) => f.message.replace(/^intent cluster: /, "")).sort(), headerFindings(text).sort());
  });

  it("refuses to draft an inventory with no network it can place in a zone, saying what it reads zones from", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netseg-brownfield-"));
    assert.throws(
      () => writeDraftIntent([path.join(__dirname, "..", "..", "fixtures", "audit", "gcp")], path.join(dir, "gcp.yaml")),
      /No zone to draft from .*gcp: zones are drafted from AWS subnets .* \(networks read: subnet:db-subnet, subnet:web-subnet\)/,
    );
    assert.equal(fs.existsSync(path.join(dir, "gcp.yaml")), false);
  });
});
