/**
 * The two stack policies run as @pulumi/policy runs them (unknown-checking proxies, resources
 * linked by dependency objects), on the reachability fixtures: the AWS stack at a first preview
 * (every id unknown) and the seed microservices manifests.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { netsegIntentConformance, netsegPolicyCoverage } from "../../../policy-packs/rules/conformance/all";
import { conformanceRules } from "../../../policy-packs/rules/conformance";
import type { NetResource } from "../../../core/reachability";
import { k8sObjectsToResources } from "../../../core/reachability";
import { runStack, type Fixture } from "../harness";
import { awsResources, baseline, CIDR, nacl } from "../../core/reachability/aws-fixture";

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/** Reachability fixtures as harness fixtures; URNs agree, so dependencies carry over by name. */
function fixtures(rs: readonly NetResource[]): Fixture[] {
  return rs.map((r) => ({
    type: r.type,
    name: r.name,
    props: structuredClone(r.props ?? {}),
    deps: (r.dependencies ?? []).map(nameOf),
    propDeps: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, us]) => [k, us.map(nameOf)])),
  }));
}

const SHOP_INTENT = `
name: shop
addressSpace: 10.0.0.0/16
zones:
  - { name: edge, internet: inbound, egress: nat }
  - { name: app, egress: proxy }
  - { name: data, sensitive: true }
flows:
  - { from: internet, to: edge, ports: [tcp/443] }
  - { from: edge, to: app, ports: [tcp/8080] }
  - { from: app, to: data, ports: [tcp/5432] }
`;

describe("policy-packs / conformance", () => {
  it("registers both policies in the conformance pack with their levels and config schemas", () => {
    assert.deepEqual(conformanceRules.map((p) => [p.name, p.enforcementLevel]), [["netseg-intent-conformance", "mandatory"], ["netseg-policy-coverage", "advisory"]]);
    assert.ok(netsegIntentConformance.configSchema?.properties.intent);
    assert.ok(netsegPolicyCoverage.configSchema?.properties.minimum);
  });

  describe("netseg-intent-conformance", () => {
    it("is not applicable without an intent", async () => {
      const out = await runStack(netsegIntentConformance, fixtures(awsResources(baseline(), { unknownIds: true })));
      assert.match(out.notApplicable ?? "", /no intent/);
    });

    it("reports the accidental deny at a first preview (every id unknown), naming the NACL", async () => {
      const out = await runStack(netsegIntentConformance, fixtures(awsResources(baseline(), { unknownIds: true })), { config: { intent: SHOP_INTENT } });
      assert.equal(out.unknownError, undefined);
      assert.deepEqual(out.violations.map((v) => v.message.split(":")[1].trim()), ["accidental deny"]);
      assert.match(out.violations[0].message, /aws:app -> aws:data on tcp\/5432 is intended \(app->data\) but blocked: return traffic tcp\/1024-65535 not allowed by NACL acl-data outbound/);
      assert.equal(out.violations[0].urn, "urn:pulumi:test::netseg::aws:ec2/networkAcl:NetworkAcl::acl-data");
    });

    it("passes once the stack equals the intent", async () => {
      const f = baseline();
      f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
      const out = await runStack(netsegIntentConformance, fixtures(awsResources(f, { unknownIds: true })), { config: { intent: SHOP_INTENT } });
      assert.deepEqual(out, { violations: [] });
    });

    it("reports the internet reaching a sensitive zone and the unintended path", async () => {
      const f = baseline();
      f.nacl.data.egress.push(nacl(100, "allow", "0.0.0.0/0", 1024, 65535));
      f.nacl.data.ingress.push(nacl(110, "allow", "0.0.0.0/0", 5432));
      f.sg.data.ingress.push({ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] });
      f.routes.data = [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-main-id" }];
      const out = await runStack(netsegIntentConformance, fixtures(awsResources(f, { unknownIds: true })), { config: { intent: SHOP_INTENT } });
      // data's group admits everyone on 5432: edge too, which only edge's own egress rules hold back.
      assert.deepEqual(out.violations.map((v) => v.message.split(":")[1].trim()), ["internet path into a sensitive zone", "unintended path", "latent path (the destination admits it, other checks stop it today)"]);
      assert.match(out.violations[2].message, /^intent shop: latent path .*: aws:data admits aws:edge on tcp\/5432, which the intent does not allow, by sg-data ingress\[1\]; only other checks stop it today: no egress rule in sg-edge to data/);
      assert.match(out.violations[0].message, /^intent shop: internet path into a sensitive zone: the internet reaches sensitive zone aws:data on tcp\/5432/);
    });

    it("needs one client port for the replies; the ephemeralPorts option chooses the clients' range", async () => {
      // acl-data lets replies back to app on 1024-32767 only: NAT-like clients (the default, the
      // widest range) get through, Linux clients (32768-60999) never.
      const f = baseline();
      f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 32767));
      const stack = fixtures(awsResources(f, { unknownIds: true }));
      assert.deepEqual(await runStack(netsegIntentConformance, stack, { config: { intent: SHOP_INTENT } }), { violations: [] });
      assert.deepEqual(await runStack(netsegIntentConformance, stack, { config: { intent: SHOP_INTENT, ephemeralPorts: "nat" } }), { violations: [] });
      const linux = await runStack(netsegIntentConformance, stack, { config: { intent: SHOP_INTENT, ephemeralPorts: "linux" } });
      assert.deepEqual(linux.violations.map((v) => v.message), [
        "intent shop: accidental deny: aws:app -> aws:data on tcp/5432 is intended (app->data) but blocked: return traffic tcp/32768-60999 not allowed by NACL acl-data outbound (acl-data outbound rule 32767 (default deny)) [resources: urn:pulumi:test::netseg::aws:ec2/networkAcl:NetworkAcl::acl-data]",
      ]);
      const own = await runStack(netsegIntentConformance, stack, { config: { intent: SHOP_INTENT, ephemeralPorts: { from: 30000, to: 40000 } } });
      assert.deepEqual(own, { violations: [] });
    });

    it("lists what the engine could not analyse alongside the findings, each with its URN", async () => {
      const f = baseline();
      f.extra = [{ type: "aws:rds/instance:Instance", name: "orders-db", urn: "urn:pulumi:test::netseg::aws:rds/instance:Instance::orders-db", props: { engine: "postgres", vpcSecurityGroupIds: ["sg-data-id"] } }];
      const out = await runStack(netsegIntentConformance, fixtures(awsResources(f, { unknownIds: true })), { config: { intent: SHOP_INTENT } });
      assert.equal(out.violations.length, 2);
      assert.match(out.violations[0].message, /^intent shop: accidental deny: /);
      assert.match(out.violations[1].message, /^not analysed by the reachability engine \(1 note, which may bear on the findings above\): urn:pulumi:test::netseg::aws:rds\/instance:Instance::orders-db: not analysed: .*no subnet of this stack/);
    });

    it("a conforming stack passes with its notes unless reportUnanalysed asks for them, then each is a violation on its resource", async () => {
      const f = baseline();
      f.nacl.data.egress.push(nacl(100, "allow", CIDR.app, 1024, 65535));
      f.extra = [{ type: "aws:ec2/securityGroup:SecurityGroup", name: "sg-orphan", urn: "urn:pulumi:test::netseg::aws:ec2/securityGroup:SecurityGroup::sg-orphan", props: { vpcId: "main-id", ingress: [], egress: [] } }];
      const stack = fixtures(awsResources(f, { unknownIds: true }));
      assert.deepEqual(await runStack(netsegIntentConformance, stack, { config: { intent: SHOP_INTENT } }), { violations: [] });
      const out = await runStack(netsegIntentConformance, stack, { config: { intent: SHOP_INTENT, reportUnanalysed: true } });
      assert.equal(out.violations.length, 1);
      assert.match(out.violations[0].message, /^not analysed by the reachability engine: urn:\S+::sg-orphan: not analysed: security group sg-orphan has no zone tag/);
      assert.equal(out.violations[0].urn, "urn:pulumi:test::netseg::aws:ec2/securityGroup:SecurityGroup::sg-orphan");
    });

    it("says which client ports an unintended path's replies use when a NACL refuses the rest", async () => {
      const f = baseline();
      f.nacl.data.egress.push(nacl(90, "deny", CIDR.app, 3389), nacl(100, "allow", CIDR.app, 1024, 65535));
      f.sg.app.egress.push({ protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: [CIDR.data] });
      f.sg.data.ingress.push({ protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: [CIDR.app] });
      f.nacl.app.egress.push(nacl(120, "allow", CIDR.data, 6379));
      f.nacl.data.ingress.push(nacl(110, "allow", CIDR.app, 6379));
      const out = await runStack(netsegIntentConformance, fixtures(awsResources(f, { unknownIds: true })), { config: { intent: SHOP_INTENT } });
      assert.equal(out.violations.length, 1);
      assert.match(out.violations[0].message, /^intent shop: unintended path: aws:app -> aws:data on tcp\/6379 is allowed but not in the intent, by .*; tcp replies pass on client ports 1024-3388, 3390-65535 only \(of 1024-65535\)/);
    });

    it("refuses a malformed ephemeralPorts naming the rule, the field, the value and what is expected", async () => {
      assert.ok(netsegIntentConformance.configSchema?.properties.ephemeralPorts);
      for (const bad of ["bsd", "60999-32768", "0-65535", { from: 1024 }, { from: 1024, to: 65535, step: 2 }, 42]) {
        await assert.rejects(runStack(netsegIntentConformance, fixtures(awsResources(baseline())), { config: { intent: SHOP_INTENT, ephemeralPorts: bad } }), (e: Error) => {
          assert.ok(e.message.includes(`netseg-intent-conformance.ephemeralPorts: ${JSON.stringify(bad)} `), e.message);
          assert.match(e.message, /expected a preset \(linux, windows, nat\), a range "from-to"/);
          return true;
        });
      }
    });

    it("reports a broken intent in the config as a violation, not a crash", async () => {
      const out = await runStack(netsegIntentConformance, fixtures(awsResources(baseline())), { config: { intent: "name: [" } });
      assert.equal(out.violations.length, 1);
      assert.match(out.violations[0].message, /cannot check the stack against an intent/);
    });

    it("holds the seed microservices manifests against their intent (intent given as an object)", async () => {
      const docs = parseAllDocuments(readFileSync("/work/shared/reference/microservices-policies.yaml", "utf8")).map((d) => d.toJS()).filter(Boolean);
      const ns = ["microservices", "ingress-nginx", "kube-system"].map((n) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: n, labels: { name: n } } }));
      const intent = parseAllDocuments(readFileSync(join(__dirname, "../../../examples/k8s-microservices/intent.yaml"), "utf8"))[0].toJS();
      const out = await runStack(netsegIntentConformance, fixtures(k8sObjectsToResources([...ns, ...docs])), { config: { intent } });
      assert.deepEqual(out.violations.map((v) => v.message.replace(/ is allowed.*| is intended.*/, "")), [
        "intent microservices: unintended path: k8s:ingress-nginx -> k8s:microservices/frontend on tcp/8080",
        "intent microservices: unintended path: k8s:microservices/frontend -> k8s:kube-system on udp/53",
        "intent microservices: accidental deny: k8s:microservices/backend-api -> k8s:microservices/postgres on tcp/5432",
        "intent microservices: accidental deny: k8s:microservices/backend-api -> k8s:microservices/redis on tcp/6379",
      ]);
    });
  });

  describe("netseg-policy-coverage", () => {
    it("is silent at full coverage and reports the figure below the minimum", async () => {
      assert.deepEqual(await runStack(netsegPolicyCoverage, fixtures(awsResources(baseline(), { unknownIds: true }))), { violations: [] });
      const f = baseline();
      delete (f.nacl as any).data;
      const out = await runStack(netsegPolicyCoverage, fixtures(awsResources(f, { unknownIds: true })));
      assert.deepEqual(out.violations.map((v) => v.message), ["policy coverage 66.7% (minimum 100%): AWS subnets with their own NACL 2/3; not covered: subnet-data (zone data)"]);
      assert.deepEqual(await runStack(netsegPolicyCoverage, fixtures(awsResources(f)), { config: { minimum: 0.6 } }), { violations: [] });
    });

    it("counts Kubernetes workloads selected by a NetworkPolicy", async () => {
      const objs = [
        { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "web" } } } } },
        { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "api" } } } } },
        { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "web", namespace: "shop" }, spec: { podSelector: { matchLabels: { app: "web" } } } },
      ];
      const out = await runStack(netsegPolicyCoverage, fixtures(k8sObjectsToResources(objs)));
      assert.deepEqual(out.violations.map((v) => v.message), ["policy coverage 50% (minimum 100%): Kubernetes workloads selected by a NetworkPolicy 1/2; not covered: shop/api"]);
    });
  });
});

describe("policy-packs / conformance: the intent carried by a netseg component", () => {
  it("reads the intent object a component carries when the config gives none", async () => {
    const intent = parseAllDocuments(SHOP_INTENT)[0].toJS();
    const component: Fixture = { type: "netseg:aws:SegmentedVpc", name: "shop", props: { plan: { intent } } };
    const out = await runStack(netsegIntentConformance, [...fixtures(awsResources(baseline(), { unknownIds: true })), component]);
    assert.deepEqual(out.violations.map((v) => v.message.split(":")[1].trim()), ["accidental deny"]);
  });
});

describe("policy-packs / conformance: several intents, each on its component's platform", () => {
  const seed = () => {
    const docs = parseAllDocuments(readFileSync("/work/shared/reference/microservices-policies.yaml", "utf8")).map((d) => d.toJS()).filter(Boolean);
    const ns = ["microservices", "ingress-nginx", "kube-system"].map((n) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: n, labels: { name: n } } }));
    return fixtures(k8sObjectsToResources([...ns, ...docs]));
  };
  const microservices = parseAllDocuments(readFileSync(join(__dirname, "../../../examples/k8s-microservices/intent.yaml"), "utf8"))[0].toJS();
  const shop = parseAllDocuments(SHOP_INTENT)[0].toJS();

  it("checks every intent, the AWS one on AWS only: no Kubernetes namespace is made of its zones", async () => {
    const components: Fixture[] = [
      { type: "netseg:aws:SegmentedVpc", name: "shop", props: { plan: { intent: shop } } },
      { type: "netseg:k8s:NamespaceIsolation", name: "microservices", props: { intent: microservices } },
    ];
    const out = await runStack(netsegIntentConformance, [...fixtures(awsResources(baseline(), { unknownIds: true })), ...seed(), ...components]);
    assert.deepEqual(out.violations.map((v) => v.message.replace(/ is allowed.*| is intended.*/, "")), [
      "intent microservices: unintended path: k8s:ingress-nginx -> k8s:microservices/frontend on tcp/8080",
      "intent microservices: unintended path: k8s:microservices/frontend -> k8s:kube-system on udp/53",
      "intent microservices: accidental deny: k8s:microservices/backend-api -> k8s:microservices/postgres on tcp/5432",
      "intent microservices: accidental deny: k8s:microservices/backend-api -> k8s:microservices/redis on tcp/6379",
      "intent shop: accidental deny: aws:app -> aws:data on tcp/5432",
    ]);
  });

  it("holds an intent given in the config against every platform with its zones, and only those", async () => {
    const out = await runStack(netsegIntentConformance, [...fixtures(awsResources(baseline(), { unknownIds: true })), ...seed()], { config: { intent: shop } });
    assert.deepEqual(out.violations.map((v) => v.message.replace(/ is allowed.*| is intended.*/, "")), ["intent shop: accidental deny: aws:app -> aws:data on tcp/5432"]);
  });
});
