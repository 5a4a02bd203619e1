import { naclNoAllowAll } from "../../../policy-packs/rules/aws/nacl-no-allow-all";
import { naclNoInternetAdminPorts } from "../../../policy-packs/rules/aws/nacl-no-internet-admin-ports";
import { add, all, describeRule, setIn, U } from "../harness";
import { naclStack, T } from "./fixtures";

describeRule(naclNoInternetAdminPorts, {
  base: naclStack(),
  nonCompliant: [
    { title: "a standalone entry allows 22 from the world before the deny", edit: all(setIn("admin-from-vpn", "cidrBlock", "0.0.0.0/0"), setIn("admin-from-vpn", "ruleNumber", 90)), expect: [/network ACL public entry 90 \(rule admin-from-vpn\) allows 0\.0\.0\.0\/0 to admin port tcp\/22/] },
    { title: "the deny of 3389 turned into an allow", edit: setIn("public", "ingress.1.action", "allow"), expect: [/public entry 101 \(ingress\[1\]\) allows 0\.0\.0\.0\/0 to admin port tcp\/3389/] },
    {
      title: "an SCTP admin port under a 132 entry from the world (AWS matches it on every port, whatever its ports)",
      edit: setIn("public", "ingress.0", { ruleNo: 5, action: "allow", protocol: "132", fromPort: 80, toPort: 80, cidrBlock: "0.0.0.0/0" }),
      config: { adminPorts: ["tcp/3389", "sctp/3868"] },
      expect: [/public entry 5 \(ingress\[0\]\) allows 0\.0\.0\.0\/0 to admin port sctp\/3868/],
    },
    { title: "the deny of 22 moved behind the ephemeral allow stretched to 22", edit: all(setIn("public", "ingress.0.ruleNo", 130), setIn("public", "ingress.3.fromPort", 22)), expect: [/entry 120 \(ingress\[3\]\) allows 0\.0\.0\.0\/0 to admin port tcp\/22/] },
    {
      title: "22 open to the world in two /1 entries, ahead of the deny",
      edit: add({ type: T.nacl, name: "halves", props: { ingress: [
        { ruleNo: 10, action: "allow", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "0.0.0.0/1" },
        { ruleNo: 20, action: "allow", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "128.0.0.0/1" },
        { ruleNo: 100, action: "deny", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "0.0.0.0/0" },
      ] } }),
      expect: [
        /network ACL halves entry 10 \(ingress\[0\]\) allows 0\.0\.0\.0\/1 to admin port tcp\/22; with entry 20 \(ingress\[1\]\) that is the whole internet/,
        /network ACL halves entry 20 \(ingress\[1\]\) allows 128\.0\.0\.0\/1 to admin port tcp\/22; with entry 10 \(ingress\[0\]\) that is the whole internet/,
      ],
    },
    {
      title: "a malformed port on a world allow counts as every tcp port",
      edit: all(setIn("public", "ingress.1.action", "allow"), setIn("public", "ingress.1.fromPort", 70000), setIn("public", "ingress.1.ruleNo", 99)),
      expect: [/network ACL public entry 99 \(ingress\[1\]\) allows 0\.0\.0\.0\/0 to admin port tcp\/22, tcp\/3389; the entry is malformed \(fromPort 70000 is not a whole number from 0 to 65535/],
    },
    {
      title: "a malformed deny of 22 denies nothing",
      edit: all(setIn("public", "ingress.0.toPort", "twenty-two"), setIn("public", "ingress.3.fromPort", 22)),
      expect: [/entry 120 \(ingress\[3\]\) allows 0\.0\.0\.0\/0 to admin port tcp\/22$/],
    },
  ],
  compliant: [
    { title: "the VPN entry on 22 is not the internet, wherever it stands", edit: setIn("admin-from-vpn", "ruleNumber", 50), expect: [] },
    { title: "a world allow of 22 behind the world deny of 22", edit: all(setIn("admin-from-vpn", "cidrBlock", "0.0.0.0/0"), setIn("admin-from-vpn", "ruleNumber", 200)), expect: [] },
    {
      title: "two /1 entries on 22, one of them behind a lower-numbered deny of its half: only half the internet",
      edit: add({ type: T.nacl, name: "halves", props: { ingress: [
        { ruleNo: 5, action: "deny", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "0.0.0.0/1" },
        { ruleNo: 10, action: "allow", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "0.0.0.0/1" },
        { ruleNo: 20, action: "allow", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "128.0.0.0/1" },
      ] } }),
      expect: [],
    },
  ],
  unknown: [
    { title: "a world allow of 3389 whose number is unknown proves nothing", edit: all(setIn("public", "ingress.1.action", "allow"), setIn("public", "ingress.1.ruleNo", U)), expect: [] },
    { title: "an allow of 3389 with an unknown CIDR: the ephemeral allow behind it still proves 3389 open", edit: all(setIn("public", "ingress.1.action", "allow"), setIn("public", "ingress.1.cidrBlock", U)), expect: [/entry 120 \(ingress\[3\]\) allows 0\.0\.0\.0\/0 to admin port tcp\/3389/] },
    { title: "unknown action on the deny of 22: 3389 is still proven open", edit: all(setIn("public", "ingress.0.action", U), setIn("public", "ingress.1.action", "allow")), expect: [/entry 101 \(ingress\[1\]\) allows 0\.0\.0\.0\/0 to admin port tcp\/3389$/] },
  ],
});

describeRule(naclNoAllowAll, {
  base: naclStack(),
  nonCompliant: [
    { title: "an allow-all ingress entry", edit: setIn("public", "ingress.2.protocol", "-1"), expect: [/network ACL public entry 110 \(ingress\[2\]\) allows all traffic from 0\.0\.0\.0\/0/] },
    { title: "a standalone allow-all from ::/0", edit: all(setIn("admin-from-vpn", "protocol", "all"), setIn("admin-from-vpn", "ipv6CidrBlock", "::/0")), expect: [/entry 90 \(rule admin-from-vpn\) allows all traffic from 10\.8\.0\.0\/16, ::\/0/] },
    { title: "egress allow-all when egress is checked", edit: () => undefined, config: { directions: ["ingress", "egress"] }, expect: [/entry 100 \(egress\[0\]\) allows all traffic to 0\.0\.0\.0\/0/] },
    {
      title: "allow-all split into two /1 entries",
      edit: all(setIn("public", "ingress.2", { ruleNo: 1, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/1" }), setIn("public", "ingress.3", { ruleNo: 2, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "128.0.0.0/1" })),
      expect: [/entry 1 \(ingress\[2\]\) allows all traffic from 0\.0\.0\.0\/1; with entry 2/, /entry 2 \(ingress\[3\]\) allows all traffic from 128\.0\.0\.0\/1; with entry 1/],
    },
    {
      title: "allow-all split by protocol: tcp, udp and icmp entries from the world",
      edit: all(
        setIn("public", "ingress.0", { ruleNo: 1, action: "allow", protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlock: "0.0.0.0/0" }),
        setIn("public", "ingress.1", { ruleNo: 2, action: "allow", protocol: "udp", fromPort: 0, toPort: 65535, cidrBlock: "0.0.0.0/0" }),
        setIn("public", "ingress.2", { ruleNo: 3, action: "allow", protocol: "icmp", fromPort: -1, toPort: -1, cidrBlock: "0.0.0.0/0" }),
      ),
      // Without an SCTP entry the three filter nothing that matters, but they are not all traffic.
      expect: [/network ACL public allows all TCP, UDP and ICMP traffic from the whole internet through entry 1 \(ingress\[0\]\), entry 2 \(ingress\[1\]\), entry 3 \(ingress\[2\]\) together/],
    },
    {
      title: "allow-all split by protocol: tcp, udp, icmp and SCTP (132, every port whatever its ports) entries from the world",
      edit: all(
        setIn("public", "ingress.0", { ruleNo: 1, action: "allow", protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlock: "0.0.0.0/0" }),
        setIn("public", "ingress.1", { ruleNo: 2, action: "allow", protocol: "udp", fromPort: 0, toPort: 65535, cidrBlock: "0.0.0.0/0" }),
        setIn("public", "ingress.2", { ruleNo: 3, action: "allow", protocol: "icmp", fromPort: -1, toPort: -1, cidrBlock: "0.0.0.0/0" }),
        setIn("public", "ingress.3", { ruleNo: 4, action: "allow", protocol: "132", fromPort: 3868, toPort: 3868, cidrBlock: "0.0.0.0/0" }),
      ),
      expect: [/network ACL public allows all traffic from the whole internet through entry 1 \(ingress\[0\]\), entry 2 \(ingress\[1\]\), entry 3 \(ingress\[2\]\), entry 4 \(ingress\[3\]\) together/],
    },
  ],
  compliant: [
    { title: "allow-all behind a deny-all is never reached", edit: all(setIn("public", "ingress.2.protocol", "-1"), setIn("public", "ingress.0.protocol", "-1")), expect: [] },
    {
      title: "two /1 allow-all entries, one behind a deny-all of its half",
      edit: all(
        setIn("public", "ingress.0", { ruleNo: 1, action: "deny", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "128.0.0.0/1" }),
        setIn("public", "ingress.2", { ruleNo: 5, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/1" }),
        setIn("public", "ingress.3", { ruleNo: 6, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "128.0.0.0/1" }),
      ),
      expect: [],
    },
  ],
  unknown: [
    { title: "unknown protocol on the entry", edit: setIn("public", "ingress.2.protocol", U), expect: [] },
    { title: "a whole unknown ingress list may hold a deny in front of a standalone allow-all", edit: all(setIn("public", "ingress", U), setIn("admin-from-vpn", "protocol", "-1"), setIn("admin-from-vpn", "cidrBlock", "0.0.0.0/0")), expect: [] },
  ],
});
