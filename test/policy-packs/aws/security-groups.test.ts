import { sgInternetIngressAllowlist } from "../../../policy-packs/rules/aws/sg-internet-ingress-allowlist";
import { sgNoInternetAdminPorts } from "../../../policy-packs/rules/aws/sg-no-internet-admin-ports";
import { sgNoInternetAllPorts } from "../../../policy-packs/rules/aws/sg-no-internet-all-ports";
import { sgNoUnrestrictedEgress } from "../../../policy-packs/rules/aws/sg-no-unrestricted-egress";
import { add, all, describeRule, setIn, U } from "../harness";
import { sgStack, T } from "./fixtures";

const halfRule = { type: T.ingressRule, name: "upper-half", props: { securityGroupId: U, ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "128.0.0.0/1", description: "x" }, propDeps: { securityGroupId: ["web"] } };

describeRule(sgNoInternetAdminPorts, {
  base: sgStack(),
  nonCompliant: [
    { title: "standalone rule joined by URN opens 22 to 0.0.0.0/0", edit: setIn("ssh-from-vpn", "cidrBlocks", ["0.0.0.0/0"]), expect: [/web .*0\.0\.0\.0\/0 to admin port tcp\/22 \(via rule ssh-from-vpn\)/] },
    { title: "inline range 443-3389 reaches RDP", edit: setIn("web", "ingress.0.toPort", 3389), expect: [/web allows 0\.0\.0\.0\/0, ::\/0 to admin port tcp\/3389 \(via ingress\[0\]\)/] },
    { title: "two /1 halves in two rules are the internet", edit: all(setIn("ssh-from-vpn", "cidrBlocks", ["0.0.0.0/1"]), add(halfRule)), expect: [/0\.0\.0\.0\/0 to admin port tcp\/22 \(via ingress\[1\], rule ssh-from-vpn, rule upper-half\)/] },
    { title: "an SCTP admin port under a 132 rule from the world (every SCTP port, whatever its ports)", edit: all(setIn("ssh-from-vpn", "protocol", "132"), setIn("ssh-from-vpn", "cidrBlocks", ["0.0.0.0/0"])), config: { adminPorts: ["sctp/3868"] }, expect: [/web allows 0\.0\.0\.0\/0 to admin port sctp\/3868 \(via rule ssh-from-vpn\)/] },
    { title: "the prefix list the rule depends on covers the internet", edit: setIn("office", "entries", [{ cidr: "0.0.0.0/0" }]), expect: [/web allows 0\.0\.0\.0\/0 to admin port tcp\/22 \(via ingress\[1\]\)/] },
  ],
  compliant: [
    { title: "protocol -1 from the VPN only", edit: setIn("ssh-from-vpn", "protocol", "-1"), expect: [] },
    { title: "an SCTP admin port, with SCTP open to the VPN only", edit: setIn("ssh-from-vpn", "protocol", "132"), config: { adminPorts: ["sctp/3868"] }, expect: [] },
    { title: "a configured admin port elsewhere leaves 22 alone", edit: setIn("ssh-from-vpn", "cidrBlocks", ["0.0.0.0/0"]), config: { adminPorts: ["tcp/2222"] }, expect: [] },
  ],
  unknown: [
    { title: "world CIDR beside an unknown CIDR on 22 is still a violation", edit: setIn("ssh-from-vpn", "cidrBlocks", ["0.0.0.0/0", U]), expect: [/0\.0\.0\.0\/0 to admin port tcp\/22/] },
    { title: "unknown ports with a world CIDR prove nothing", edit: all(setIn("ssh-from-vpn", "cidrBlocks", ["0.0.0.0/0"]), setIn("ssh-from-vpn", "fromPort", U), setIn("ssh-from-vpn", "toPort", U)), expect: [] },
    { title: "a known from-port of 22 with an unknown to-port proves 22", edit: all(setIn("ssh-from-vpn", "cidrBlocks", ["::/0"]), setIn("ssh-from-vpn", "toPort", U)), expect: [/::\/0 to admin port tcp\/22/] },
    { title: "a whole unknown inline list", edit: setIn("web", "ingress", U), expect: [] },
  ],
});

describeRule(sgNoInternetAllPorts, {
  base: sgStack(),
  nonCompliant: [
    { title: "protocol -1 from the world", edit: all(setIn("ssh-from-vpn", "protocol", "-1"), setIn("ssh-from-vpn", "cidrBlocks", ["0.0.0.0/0"])), expect: [/web allows 0\.0\.0\.0\/0, ::\/0 to every tcp, udp and sctp port \(all, via ingress\[0\], rule ssh-from-vpn\)/] },
    { title: "SCTP (132) from the world: AWS matches it on every SCTP port, whatever its ports", edit: all(setIn("ssh-from-vpn", "protocol", "132"), setIn("ssh-from-vpn", "cidrBlocks", ["0.0.0.0/0"])), expect: [/web allows 0\.0\.0\.0\/0, ::\/0 to every sctp port \(tcp\/443, sctp, via ingress\[0\], rule ssh-from-vpn\)/] },
    { title: "0-65535 spelled as a range", edit: all(setIn("web", "ingress.0.fromPort", 0), setIn("web", "ingress.0.toPort", 65535)), expect: [/every tcp port/] },
  ],
  unknown: [
    { title: "unknown protocol with a world CIDR", edit: all(setIn("ssh-from-vpn", "protocol", U), setIn("ssh-from-vpn", "cidrBlocks", ["0.0.0.0/0"])), expect: [] },
    { title: "tcp -1/-1 (every port) from a world CIDR beside an unknown one", edit: all(setIn("web", "ingress.0.fromPort", -1), setIn("web", "ingress.0.toPort", -1), setIn("web", "ingress.0.cidrBlocks", ["0.0.0.0/0", U])), expect: [/every tcp port/] },
  ],
});

describeRule(sgInternetIngressAllowlist, {
  base: sgStack(),
  nonCompliant: [
    { title: "8080 open to the world", edit: all(setIn("ssh-from-vpn", "cidrBlocks", ["0.0.0.0/0"]), setIn("ssh-from-vpn", "fromPort", 8080), setIn("ssh-from-vpn", "toPort", 8080)), expect: [/web allows 0\.0\.0\.0\/0, ::\/0 to tcp\/8080, outside the allow-list tcp\/80, tcp\/443|web allows 0\.0\.0\.0\/0 to tcp\/8080, outside the allow-list tcp\/80, tcp\/443/] },
    { title: "443 open in a zone that is not internet-facing", edit: setIn("web", "tags", { "netseg:zone": "app", "netseg:internet": "none" }), expect: [/zone app, which is not internet-facing, allows .* to tcp\/443/] },
    { title: "a hand-written zone tag names a private zone", edit: setIn("web", "tags", { tier: "app" }), config: { zoneTag: "tier" }, expect: [/zone app, which is not internet-facing/] },
  ],
  compliant: [
    { title: "a hand-written zone listed as internet-facing", edit: setIn("web", "tags", { tier: "dmz" }), config: { zoneTag: "tier", internetFacingZones: ["dmz"] }, expect: [] },
  ],
  unknown: [{ title: "unknown tags fall back to the allow-list", edit: setIn("web", "tags", U), expect: [] }],
});

describeRule(sgNoUnrestrictedEgress, {
  base: sgStack(),
  nonCompliant: [
    { title: "egress to the world on every port", edit: setIn("web", "egress.0.protocol", "-1"), expect: [/web allows egress to 0\.0\.0\.0\/0 on .*tcp\/0-442.*outside the allow-list tcp\/443/] },
    { title: "egress to the world from a zone whose egress is none", edit: setIn("web", "tags", { "netseg:zone": "data", "netseg:egress": "none" }), expect: [/on tcp\/443, although zone data has egress none/] },
  ],
  unknown: [
    { title: "an unknown egress port range proves nothing", edit: setIn("web", "egress.0.toPort", U), expect: [] },
    { title: "world beside unknown CIDRs on every port", edit: all(setIn("web", "egress.0.protocol", "all"), setIn("web", "egress.0.cidrBlocks", [U, "0.0.0.0/0"])), expect: [/allows egress to 0\.0\.0\.0\/0 on/] },
  ],
});
