import assert from "node:assert/strict";
import path from "node:path";
import { sensitiveEgressTlsInspected } from "../../../policy-packs/rules/aws/sensitive-egress-tls-inspected";
import { add, all, depend, describeRule, runStackResources, setIn, U, type Fixture } from "../harness";
import { recordExample } from "../examples-run";
import { T } from "./fixtures";

const RG = "aws:networkfirewall/ruleGroup:RuleGroup";
const POLICY = "aws:networkfirewall/firewallPolicy:FirewallPolicy";
const sni = (zone: string, host: string) => `pass tls $NETSEG_${zone.toUpperCase()} any -> any 443 (msg:"netseg ${zone} -> ${host}:443 (tls sni)"; flow:to_server,established; app-layer-protocol:tls; ssl_state:client_hello; tls.sni; content:"${host}"; nocase; startswith; endswith; sid:1000001; rev:2;)`;
const http = (zone: string, host: string) => `pass http $NETSEG_${zone.toUpperCase()} any -> any 80 (msg:"netseg ${zone} -> ${host}:80 (http host)"; flow:to_server,established; http.host; content:"${host}"; startswith; endswith; sid:1000002; rev:2;)`;
const zoneTags = (zone: string, sensitive: boolean) => ({ "netseg:zone": zone, "netseg:egress": "proxy", "netseg:sensitive": String(sensitive) });

/** A proxied app zone on SNI, and a sensitive vault zone that the allow-list does not let out. */
const firewallStack = (): Fixture[] => [
  { type: T.subnet, name: "app-az1", props: { cidrBlock: "10.9.0.0/24", tags: zoneTags("app", false) } },
  { type: T.subnet, name: "vault-az1", props: { cidrBlock: "10.9.1.0/24", tags: zoneTags("vault", true) } },
  {
    type: RG,
    name: "egress",
    props: {
      type: "STATEFUL",
      capacity: 128,
      ruleGroup: {
        ruleVariables: { ipSets: [{ key: "NETSEG_APP", ipSet: { definitions: ["10.9.0.0/24"] } }, { key: "NETSEG_VAULT", ipSet: { definitions: ["10.9.1.0/24"] } }] },
        rulesSource: { rulesString: `# zone app\n${sni("app", "api.stripe.com")}\n# zone vault\n${http("vault", "mirror.example.org")}\n` },
      },
    },
  },
  { type: POLICY, name: "policy", props: { firewallPolicy: { statelessDefaultActions: ["aws:forward_to_sfe"], statefulRuleGroupReferences: [{ resourceArn: U, priority: 100 }] } }, propDeps: { firewallPolicy: ["egress"] } },
];

const vaultOnSni = setIn("egress", "ruleGroup.rulesSource.rulesString", `${sni("app", "api.stripe.com")}\n${sni("vault", "kms.example.com")}\n`);
const VIOLATION = /firewall policy policy lets sensitive zone vault \(10\.9\.1\.0\/24\) out on the TLS SNI alone \(egress: netseg vault -> kms\.example\.com:443 \(tls sni\)\) with no TLS inspection: the client chooses the SNI, so a workload can name an allowed host and reach any address that answers TLS; give the EgressProxy tlsInspection/;

describeRule(sensitiveEgressTlsInspected, {
  base: firewallStack(),
  nonCompliant: [
    { title: "the sensitive zone gets an SNI pass rule", edit: vaultOnSni, expect: [VIOLATION] },
    { title: "a zone named sensitive by config", edit: () => undefined, config: { sensitiveZones: ["app"] }, expect: [/lets sensitive zone app \(10\.9\.0\.0\/24\) out on the TLS SNI alone \(egress: netseg app -> api\.stripe\.com:443 \(tls sni\)\)/] },
    { title: "a pass rule from any source", edit: setIn("egress", "ruleGroup.rulesSource.rulesString", 'pass tls any any -> any 443 (tls.sni; content:"x.example.com"; sid:5;)\n'), expect: [/lets sensitive zone vault .* out on the TLS SNI alone/] },
    {
      title: "a domain list on TLS_SNI whose HOME_NET is the sensitive zone",
      edit: setIn("egress", "ruleGroup", { ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: ["10.9.1.0/24"] } }] }, rulesSource: { rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes: ["TLS_SNI"], targets: [".example.com"] } } }),
      expect: [/lets sensitive zone vault \(10\.9\.1\.0\/24\) out on the TLS SNI alone \(egress: domain list on TLS_SNI\)/],
    },
    {
      title: "joined by known ARNs after deployment",
      edit: all(vaultOnSni, setIn("egress", "arn", "arn:aws:network-firewall:us-east-1:123456789012:stateful-rulegroup/egress"), setIn("policy", "firewallPolicy.statefulRuleGroupReferences.0.resourceArn", "arn:aws:network-firewall:us-east-1:123456789012:stateful-rulegroup/egress"), depend("policy", "firewallPolicy", [])),
      expect: [VIOLATION],
    },
  ],
  compliant: [
    { title: "the policy inspects TLS", edit: all(vaultOnSni, setIn("policy", "firewallPolicy.tlsInspectionConfigurationArn", "arn:aws:network-firewall:us-east-1:123456789012:tls-configuration/egress")), expect: [] },
    { title: "no policy references the group", edit: all(vaultOnSni, depend("policy", "firewallPolicy", []), add({ type: RG, name: "other", props: {} })), expect: [] },
    { title: "an SNI rule commented out", edit: setIn("egress", "ruleGroup.rulesSource.rulesString", `# ${sni("vault", "kms.example.com")}\n`), expect: [] },
  ],
  unknown: [
    { title: "a TLS inspection ARN not known yet is inspection", edit: all(vaultOnSni, setIn("policy", "firewallPolicy.tlsInspectionConfigurationArn", U)), expect: [] },
    { title: "unknown rules are not judged", edit: setIn("egress", "ruleGroup.rulesSource.rulesString", U), expect: [] },
    { title: "an unknown policy is not judged", edit: all(vaultOnSni, setIn("policy", "firewallPolicy", U)), expect: [] },
    { title: "a variable whose addresses are unknown is not read as every address", edit: all(vaultOnSni, setIn("egress", "ruleGroup.ruleVariables.ipSets.1.ipSet.definitions", U)), expect: [] },
    { title: "the other zone's certain finding survives an unknown variable", edit: all(vaultOnSni, setIn("egress", "ruleGroup.ruleVariables.ipSets.0.ipSet.definitions", U)), expect: [VIOLATION] },
  ],
});

describe("netseg-aws-sensitive-egress-tls-inspected on examples/egress-allowlist", function () {
  this.timeout(30000);
  it("passes as written (the sensitive zone has no egress), and fires once payments is sensitive", async () => {
    const recorded = await recordExample(path.resolve(__dirname, "../../../examples/egress-allowlist"));
    const resources = recorded.map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.outputs, dependencies: r.dependencies, propertyDependencies: r.propertyDependencies, parent: r.parent }));
    const asIs = await runStackResources(sensitiveEgressTlsInspected, resources);
    assert.deepEqual(asIs.violations, []);
    const sensitive = await runStackResources(sensitiveEgressTlsInspected, resources, { config: { sensitiveZones: ["payments"] } });
    assert.equal(sensitive.violations.length, 1);
    assert.match(sensitive.violations[0].message, /lets sensitive zone payments \(10\.40\.16\.0\/21\) out on the TLS SNI alone \(payments-egress-egress: netseg payments -> api\.stripe\.com:443 \(tls sni\); .*\) with no TLS inspection/);
  });
});
