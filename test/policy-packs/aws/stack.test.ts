import { defaultSgNoStandaloneRules } from "../../../policy-packs/rules/aws/default-sg-no-standalone-rules";
import { noShadowedRules } from "../../../policy-packs/rules/aws/no-shadowed-rules";
import { sgNaclAttached } from "../../../policy-packs/rules/aws/sg-nacl-attached";
import { sgNoMixedRuleManagement } from "../../../policy-packs/rules/aws/sg-no-mixed-rule-management";
import { vpcFlowLogs } from "../../../policy-packs/rules/aws/vpc-flow-logs";
import { add, all, depend, describeRule, remove, setIn, U, type Fixture } from "../harness";
import { naclStack, sgStack, T } from "./fixtures";

const vpcStack = (): Fixture[] => [
  { type: T.vpc, name: "main", props: { cidrBlock: "10.0.0.0/16" } },
  { type: T.flowLog, name: "main-flows", props: { vpcId: U, trafficType: "ALL" }, propDeps: { vpcId: ["main"] } },
];

describeRule(vpcFlowLogs, {
  base: vpcStack(),
  nonCompliant: [
    { title: "the flow log is removed", edit: remove("main-flows"), expect: [/VPC main has no flow log/] },
    { title: "the flow log watches another VPC", edit: all(add({ type: T.vpc, name: "other", props: {} }), depend("main-flows", "vpcId", ["other"])), expect: [/VPC main has no flow log/] },
  ],
  compliant: [{ title: "joined by a known id after deployment", edit: all(setIn("main", "id", "vpc-123"), setIn("main-flows", "vpcId", "vpc-123"), depend("main-flows", "vpcId", [])), expect: [] }],
  unknown: [{ title: "an unknown vpcId with no dependency recorded is not joined", edit: depend("main-flows", "vpcId", []), expect: [/VPC main has no flow log/] }],
});

describeRule(sgNoMixedRuleManagement, {
  base: sgStack().filter((r) => r.name !== "ssh-from-vpn"),
  nonCompliant: [
    { title: "a standalone rule added to an inline-managed group", edit: add(sgStack()[1]), expect: [/security group web has inline ingress and egress rules and standalone rules ssh-from-vpn/] },
    {
      title: "a vpc.SecurityGroupEgressRule joined through its only dependency",
      edit: add({ type: T.egressRule, name: "dns-out", props: { securityGroupId: U, ipProtocol: "udp", fromPort: 53, toPort: 53, cidrIpv4: "10.0.0.2/32", description: "dns" }, deps: ["web"] }),
      expect: [/standalone rules dns-out/],
    },
  ],
  unknown: [{ title: "an unknown inline list next to a standalone rule may hold rules", edit: all(add(sgStack()[1]), setIn("web", "ingress", U), setIn("web", "egress", [])), expect: [/inline ingress rules and standalone rules ssh-from-vpn/] }],
});

const attached = (): Fixture[] => [...sgStack(), ...naclStack()];

describeRule(sgNaclAttached, {
  base: attached(),
  nonCompliant: [
    { title: "the only instance using a hand-written group is removed", edit: all(remove("web-1"), setIn("web", "tags", {})), expect: [/security group web is not used by any resource in the stack/] },
    { title: "an unused zone group when zone groups are judged", edit: remove("web-1"), config: { judgeZoneGroups: true }, expect: [/security group web is not used/] },
    { title: "the ACL loses its subnets", edit: setIn("public", "subnetIds", []), expect: [/network ACL public is associated with no subnet/] },
  ],
  compliant: [
    { title: "an ACL associated through a NetworkAclAssociation", edit: all(setIn("public", "subnetIds", []), add({ type: T.naclAssoc, name: "public-a", props: { networkAclId: U, subnetId: "subnet-1" }, propDeps: { networkAclId: ["public"] } })), expect: [] },
    { title: "a group used outside the stack, by config", edit: all(remove("web-1"), setIn("web", "tags", {})), config: { ignoreGroups: ["web"] }, expect: [] },
    { title: "a netseg zone group handed to other stacks", edit: remove("web-1"), expect: [] },
  ],
  unknown: [{ title: "unknown subnetIds are not 'no subnet'", edit: setIn("public", "subnetIds", U), expect: [] }],
});

describeRule(noShadowedRules, {
  base: attached(),
  nonCompliant: [
    { title: "the VPN entry on 22 moved behind the world deny of 22", edit: setIn("admin-from-vpn", "ruleNumber", 200), expect: [/network ACL public ingress entry 200 \(rule admin-from-vpn\) \(tcp\/22 for 10\.8\.0\.0\/16\) never matches: shadowed by entry 100 \(ingress\[0\]\)/] },
    { title: "the 443 entry widened over the ephemeral entry behind it", edit: setIn("public", "ingress.2.toPort", 65535), expect: [/ingress entry 120 \(ingress\[3\]\) \(tcp\/1024-65535 for 0\.0\.0\.0\/0\) never matches: shadowed by entry 101 \(ingress\[1\]\), entry 110 \(ingress\[2\]\)/] },
    {
      title: "a direction closed by a deny of everything first (a quarantine): one finding naming it and how many entries it shadows",
      edit: setIn("public", "egress", [
        { ruleNo: 1, action: "deny", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" },
        { ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" },
        { ruleNo: 110, action: "allow", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlock: "10.0.0.0/8" },
      ]),
      expect: [/network ACL public egress is closed by entry 1 \(egress\[0\]\) \(deny all for 0\.0\.0\.0\/0\): the 2 entries after it never match \(a quarantine, or a subnet shut on purpose\)/],
    },
    { title: "a security-group rule inside a wider one", edit: setIn("ssh-from-vpn", "cidrBlocks", ["203.0.113.0/25"]), expect: [/security group web ingress rule ssh-from-vpn \(tcp\/22 for 203\.0\.113\.0\/25\) is redundant: already allowed by ingress\[1\]/] },
    {
      title: "a self rule inside a wider self rule",
      edit: all(setIn("web", "ingress.2", { protocol: "tcp", fromPort: 0, toPort: 65535, self: true }), setIn("web", "ingress.3", { protocol: "tcp", fromPort: 443, toPort: 443, self: true })),
      expect: [/security group web ingress ingress\[3\] \(tcp\/443 for the group itself\) is redundant: already allowed by ingress\[2\]/],
    },
    {
      title: "a rule for a referenced group inside two others for the same group",
      edit: all(
        setIn("web", "ingress.2", { protocol: "tcp", fromPort: 8000, toPort: 8049, securityGroups: ["sg-0lb"] }),
        setIn("web", "ingress.3", { protocol: "tcp", fromPort: 8050, toPort: 8100, securityGroups: ["sg-0lb", "sg-0other"] }),
        setIn("web", "ingress.4", { protocol: "tcp", fromPort: 8040, toPort: 8060, securityGroups: ["sg-0lb"] }),
      ),
      expect: [/security group web ingress ingress\[4\] \(tcp\/8040-8060 for sg-0lb\) is redundant: already allowed by ingress\[2\], ingress\[3\]/],
    },
  ],
  compliant: [
    { title: "an entry only partly covered by earlier ones", edit: setIn("public", "ingress.3.fromPort", 400), expect: [] },
    {
      title: "rules referencing different groups",
      edit: all(setIn("web", "ingress.2", { protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: ["sg-0lb"] }), setIn("web", "ingress.3", { protocol: "tcp", fromPort: 0, toPort: 65535, securityGroups: ["sg-0other"] })),
      expect: [],
    },
  ],
  unknown: [
    { title: "an entry with an unknown CIDR is never called shadowed", edit: all(setIn("admin-from-vpn", "ruleNumber", 200), setIn("admin-from-vpn", "cidrBlock", U)), expect: [] },
    {
      title: "a rule for an unknown group is never called redundant",
      edit: all(setIn("web", "ingress.2", { protocol: "tcp", fromPort: 0, toPort: 65535, securityGroups: [U] }), setIn("web", "ingress.3", { protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: [U] })),
      expect: [],
    },
    { title: "a redundant rule beside an unknown one is still redundant", edit: all(setIn("ssh-from-vpn", "cidrBlocks", ["203.0.113.0/25"]), setIn("web", "ingress.0.fromPort", U)), expect: [/rule ssh-from-vpn .* is redundant/] },
  ],
});

/** A VPC, its own group, and a standalone rule on that group (compliant). */
const defaultSgStack = (): Fixture[] => [
  { type: T.vpc, name: "main", props: { cidrBlock: "10.0.0.0/16", defaultSecurityGroupId: U } },
  { type: T.sg, name: "app", props: { vpcId: U, description: "app" }, propDeps: { vpcId: ["main"] } },
  {
    type: T.ingressRule,
    name: "app-https",
    props: { securityGroupId: U, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/16", description: "https" },
    propDeps: { securityGroupId: ["app"] },
    deps: ["app", "main"],
  },
];

describeRule(defaultSgNoStandaloneRules, {
  base: defaultSgStack(),
  nonCompliant: [
    {
      title: "a vpc.SecurityGroupIngressRule on vpc.defaultSecurityGroupId",
      edit: depend("app-https", "securityGroupId", ["main"]),
      expect: [/security group rule app-https adds an ingress rule for tcp\/443 to the default security group of VPC main; it must have none/],
    },
    {
      title: "an ec2.SecurityGroupRule on a managed DefaultSecurityGroup",
      edit: all(
        add({ type: T.defaultSg, name: "main-default", props: { vpcId: U, ingress: [], egress: [] }, propDeps: { vpcId: ["main"] } }),
        add({ type: T.sgRule, name: "all-out", props: { type: "egress", securityGroupId: U, protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }, propDeps: { securityGroupId: ["main-default"] } }),
      ),
      expect: [/security group rule all-out adds an egress rule for all to the default security group main-default/],
    },
    {
      title: "after deployment, a known id equal to the VPC's default group",
      edit: all(setIn("main", "defaultSecurityGroupId", "sg-0def"), setIn("app-https", "securityGroupId", "sg-0def"), depend("app-https", "securityGroupId", [])),
      expect: [/to the default security group of VPC main/],
    },
  ],
  compliant: [
    { title: "a known id of another group", edit: all(setIn("main", "defaultSecurityGroupId", "sg-0def"), setIn("app-https", "securityGroupId", "sg-0app"), depend("app-https", "securityGroupId", [])), expect: [] },
    { title: "an id computed from both the VPC and an ordinary group is the ordinary group", edit: depend("app-https", "securityGroupId", ["main", "app"]), expect: [] },
  ],
  unknown: [
    {
      title: "no property dependencies sent: an unknown id and the VPC as the only dependency",
      edit: all(depend("app-https", "securityGroupId", []), (fs) => void (fs.find((f) => f.name === "app-https")!.deps = ["main"])),
      expect: [/adds an ingress rule for tcp\/443 to the default security group of VPC main/],
    },
    { title: "no property dependencies sent: two candidate dependencies decide nothing", edit: depend("app-https", "securityGroupId", []), expect: [] },
  ],
});
