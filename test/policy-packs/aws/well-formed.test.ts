import { rulesWellFormed } from "../../../policy-packs/rules/aws/rules-well-formed";
import { describeRule, set, U, type Fixture } from "../harness";
import { naclStack, sgStack } from "./fixtures";

const web = (): Fixture => structuredClone(sgStack()[0]);
const acl = (): Fixture => structuredClone(naclStack()[0]);
const vpnRule = (): Fixture => structuredClone(naclStack()[1]);
const standaloneSg = (): Fixture => structuredClone(sgStack()[1]);

describe("netseg-aws-rules-well-formed on each resource type", () => {
  describeRule(rulesWellFormed, {
    base: web(),
    nonCompliant: [
      { title: "tcp -1/-1 (every port only with protocol -1)", edit: (f) => Object.assign(f.props.ingress[0], { fromPort: -1, toPort: -1 }), expect: [/security group web \(SecurityGroup\) ingress\[0\]: fromPort -1 is not a whole number from 0 to 65535 for protocol tcp; write ports from 0 to 65535/] },
      { title: "port 65536", edit: set("ingress.0.toPort", 65536), expect: [/ingress\[0\]: toPort 65536 is not a whole number from 0 to 65535/] },
      { title: "ports the wrong way round", edit: set("ingress.0.fromPort", 8443), expect: [/ingress\[0\]: fromPort 8443 is above toPort 443 for protocol tcp/] },
      { title: "a non-numeric port", edit: set("egress.0.toPort", "https"), expect: [/egress\[0\]: toPort "https" is not a whole number/] },
      { title: "an invalid CIDR", edit: set("ingress.0.cidrBlocks", ["999.1.1.1/33"]), expect: [/ingress\[0\]: CIDR "999\.1\.1\.1\/33" is not an IPv4 or IPv6 CIDR block/] },
      { title: "an unknown protocol name", edit: set("ingress.0.protocol", "tcpp"), expect: [/ingress\[0\]: protocol "tcpp" is not a protocol name or number/] },
      { title: "an ingress that is not a list", edit: set("ingress", { protocol: "tcp" }), expect: [/security group web \(SecurityGroup\): ingress an object is not a list of rules/] },
    ],
    compliant: [
      { title: "ICMP with -1/-1 (every type and code)", edit: (f) => Object.assign(f.props.ingress[0], { protocol: "icmp", fromPort: -1, toPort: -1 }), expect: [] },
      { title: "protocol -1 whatever the ports", edit: (f) => Object.assign(f.props.ingress[0], { protocol: "-1", fromPort: 0, toPort: 0 }), expect: [] },
      { title: "protocol 50 (ESP): AWS ignores the ports", edit: (f) => Object.assign(f.props.ingress[0], { protocol: "50", fromPort: -1, toPort: -1 }), expect: [] },
    ],
    unknown: [{ title: "an unknown port is not malformed", edit: set("ingress.0.fromPort", U), expect: [] }],
  });

  describeRule(rulesWellFormed, {
    base: acl(),
    nonCompliant: [
      { title: "a NACL port of 70000", edit: set("ingress.2.toPort", "70000"), expect: [/network ACL public \(NetworkAcl\) ingress\[2\]: toPort "70000" is not a whole number from 0 to 65535/] },
      { title: "a NACL rule number 0", edit: set("ingress.0.ruleNo", 0), expect: [/ingress\[0\]: rule number 0 is not a whole number from 1 to 32766/] },
      { title: "a NACL action 'permit'", edit: set("ingress.0.action", "permit"), expect: [/ingress\[0\]: action "permit" is neither "allow" nor "deny"/] },
      { title: "an empty CIDR", edit: set("ingress.3.cidrBlock", ""), expect: [/ingress\[3\]: CIDR "" is not an IPv4 or IPv6 CIDR block/] },
    ],
    unknown: [{ title: "an unknown entry list", edit: set("ingress", U), expect: [] }],
  });

  describeRule(rulesWellFormed, {
    base: vpnRule(),
    nonCompliant: [{ title: "a standalone NACL rule with NaN as its port", edit: set("fromPort", "NaN"), expect: [/network ACL rule admin-from-vpn \(NetworkAclRule\): fromPort "NaN" is not a whole number/] }],
    unknown: [{ title: "an unknown CIDR", edit: set("cidrBlock", U), expect: [] }],
  });

  describeRule(rulesWellFormed, {
    base: standaloneSg(),
    nonCompliant: [{ title: "a standalone SG rule with a CIDR that is a number", edit: set("cidrBlocks", [42]), expect: [/security-group rule ssh-from-vpn \(SecurityGroupRule\): CIDR "42 \(not a string\)" is not an IPv4 or IPv6 CIDR block/] }],
    unknown: [{ title: "unknown ports", edit: set("toPort", U), expect: [] }],
  });
});
