import { firewallNoInternetAdminPorts } from "../../../policy-packs/rules/gcp/firewall-no-internet-admin-ports";
import { firewallNoUnrestrictedEgress } from "../../../policy-packs/rules/gcp/firewall-no-unrestricted-egress";
import { firewallNoWidePorts } from "../../../policy-packs/rules/gcp/firewall-no-wide-ports";
import { firewallWellFormed } from "../../../policy-packs/rules/gcp/firewall-well-formed";
import { gkeNetworkPolicyEnabled } from "../../../policy-packs/rules/gcp/gke-network-policy-enabled";
import { noDefaultNetwork } from "../../../policy-packs/rules/gcp/no-default-network";
import { subnetFlowLogs } from "../../../policy-packs/rules/gcp/subnet-flow-logs";
import { subnetPrivateGoogleAccess } from "../../../policy-packs/rules/gcp/subnet-private-google-access";
import { vmNoExternalIp } from "../../../policy-packs/rules/gcp/vm-no-external-ip";
import { add, all, depend, describeRule, set, setIn, U, type Fixture } from "../harness";

const f = (type: string, name: string, props: Record<string, unknown>): Fixture => ({ type, name, props });
const FW = "gcp:compute/firewall:Firewall";

const NET = "gcp:compute/network:Network";
const onNet = (name: string, props: Record<string, unknown>): Fixture => ({ type: FW, name, props: { network: U, ...props }, propDeps: { network: ["net"] } });
/** A network and one firewall rule (`web-in` or `app-out`); deny rules are added by the cases. */
const webIngress = (): Fixture[] => [f(NET, "net", { autoCreateSubnetworks: false }), onNet("web-in", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["443"] }], sourceRanges: ["0.0.0.0/0"], targetTags: ["web"] })];
const egress = (): Fixture[] => [f(NET, "net", { autoCreateSubnetworks: false }), onNet("app-out", { direction: "EGRESS", allows: [{ protocol: "tcp", ports: ["443"] }], destinationRanges: ["0.0.0.0/0"], targetTags: ["app"] })];
const denyIn = (props: Record<string, unknown>) => add(onNet("deny-in", { direction: "INGRESS", priority: 900, denies: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["0.0.0.0/0"], ...props }));
const web = (path: string, value: unknown) => setIn("web-in", path, value);
const out = (path: string, value: unknown) => setIn("app-out", path, value);

describeRule(firewallNoInternetAdminPorts, {
  base: webIngress(),
  nonCompliant: [
    { title: "22 in the port list", edit: web("allows.0.ports", ["443", "22"]), expect: [/firewall web-in \(Firewall\) allows 0\.0\.0\.0\/0 to admin port tcp\/22/] },
    { title: "an SCTP admin port in the sctp block's list", edit: all(web("allows.0.protocol", "sctp"), web("allows.0.ports", ["2905-2910"])), config: { adminPorts: ["sctp/2906"] }, expect: [/firewall web-in \(Firewall\) allows 0\.0\.0\.0\/0 to admin port sctp\/2906/] },
    { title: "an SCTP admin port under protocol all", edit: web("allows.0.protocol", "all"), config: { adminPorts: ["SCTP/3868"] }, expect: [/admin port sctp\/3868/] },
    { title: "no source named: GCP applies 0.0.0.0/0", edit: all(web("sourceRanges", undefined), web("allows.0.ports", ["3389"])), expect: [/allows 0\.0\.0\.0\/0 \(no source named: GCP's default\) to admin port tcp\/3389/] },
    { title: "the internet as two halves, every tcp port", edit: all(web("sourceRanges", ["0.0.0.0/1", "128.0.0.0/1"]), web("allows.0.ports", [])), expect: [/allows 0\.0\.0\.0\/0 to admin port tcp\/22, tcp\/3389/] },
    {
      title: "a deny evaluated first takes 22, and 3389 stays open",
      edit: all(web("allows.0.ports", ["22", "3389"]), denyIn({})),
      expect: [/allows 0\.0\.0\.0\/0 to admin port tcp\/3389 \(what the earlier deny rule deny-in leaves of it\)/],
    },
    { title: "a deny evaluated after the allow (higher number)", edit: all(web("allows.0.ports", ["22"]), denyIn({ priority: 1100 })), expect: [/admin port tcp\/22/] },
    { title: "a deny for only some of the allow's targets", edit: all(web("allows.0.ports", ["22"]), web("targetTags", ["web", "api"]), denyIn({ targetTags: ["web"] })), expect: [/admin port tcp\/22/] },
    { title: "a deny in another network", edit: all(web("allows.0.ports", ["22"]), add(f(NET, "other", {})), denyIn({}), depend("deny-in", "network", ["other"])), expect: [/admin port tcp\/22/] },
    { title: "a deny from part of the internet only", edit: all(web("allows.0.ports", ["22"]), denyIn({ sourceRanges: ["0.0.0.0/1"] })), expect: [/admin port tcp\/22/] },
    {
      // web-in-2 applies to every instance, so to web-in's too; web-in-2's other instances see only half the internet.
      title: "22 open to the two /1 halves in two rules, one applying to every instance of the other",
      edit: all(web("allows.0.ports", ["22"]), web("sourceRanges", ["0.0.0.0/1"]), add(onNet("web-in-2", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["22", "80"] }], sourceRanges: ["128.0.0.0/1"] }))),
      expect: [/firewall web-in \(Firewall\) allows 0\.0\.0\.0\/1 \(with web-in-2: together the whole internet\) to admin port tcp\/22$/],
    },
    {
      title: "22 open to the two /1 halves in two rules for the same target tag",
      edit: all(web("allows.0.ports", ["22"]), web("sourceRanges", ["0.0.0.0/1"]), add(onNet("web-in-2", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["128.0.0.0/1"], targetTags: ["web"] }))),
      expect: [/firewall web-in \(Firewall\) allows 0\.0\.0\.0\/1 \(with web-in-2: together/, /firewall web-in-2 \(Firewall\) allows 128\.0\.0\.0\/1 \(with web-in: together/],
    },
    {
      title: "a malformed port on a world rule counts as every tcp port",
      edit: web("allows.0.ports", ["443", "99999-100000"]),
      expect: [/allows 0\.0\.0\.0\/0 \(the rule is malformed: allows\[0\]: ports\[1\] "99999-100000" is not a port or range.*counted at its most open\) to admin port tcp\/22, tcp\/3389/],
    },
    { title: "an invalid source range counts as the whole internet", edit: all(web("allows.0.ports", ["22"]), web("sourceRanges", ["999.1.1.1/33"])), expect: [/allows 0\.0\.0\.0\/0, ::\/0 \(the rule is malformed: sourceRanges: CIDR "999\.1\.1\.1\/33" is not an IPv4 or IPv6 CIDR block.*to admin port tcp\/22/] },
  ],
  compliant: [
    { title: "a source tag instead of ranges", edit: all(web("sourceRanges", undefined), web("sourceTags", ["bastion"]), web("allows.0.ports", ["22"])), expect: [] },
    { title: "a disabled rule", edit: all(web("disabled", true), web("allows.0.ports", ["22"])), expect: [] },
    { title: "a deny of 22 for every instance, evaluated first", edit: all(web("allows.0.ports", ["22"]), denyIn({})), expect: [] },
    { title: "a deny at the same priority wins the tie", edit: all(web("allows.0.ports", ["22"]), denyIn({ priority: 1000 })), expect: [] },
    { title: "a deny naming the allow's target tag", edit: all(web("allows.0.ports", ["22"]), denyIn({ targetTags: ["web", "db"] })), expect: [] },
    {
      title: "two /1 halves in rules for different instances do not add up",
      edit: all(web("allows.0.ports", ["22"]), web("sourceRanges", ["0.0.0.0/1"]), add(onNet("db-in", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["128.0.0.0/1"], targetTags: ["db"] }))),
      expect: [],
    },
    {
      title: "two /1 halves, one half denied first for every instance",
      edit: all(web("allows.0.ports", ["22"]), web("sourceRanges", ["0.0.0.0/1"]), add(onNet("web-in-2", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["128.0.0.0/1"], priority: 2000 })), denyIn({ priority: 1500 })),
      expect: [],
    },
  ],
  unknown: [
    { title: "an unknown port beside a known 22", edit: web("allows.0.ports", [U, "22"]), expect: [/admin port tcp\/22/] },
    { title: "unknown source ranges", edit: all(web("sourceRanges", U), web("allows.0.ports", ["22"])), expect: [] },
    { title: "a deny of unknown priority hides nothing", edit: all(web("allows.0.ports", ["22"]), denyIn({ priority: U })), expect: [/admin port tcp\/22/] },
    { title: "a deny with unknown target tags hides nothing", edit: all(web("allows.0.ports", ["22"]), denyIn({ targetTags: [U] })), expect: [/admin port tcp\/22/] },
  ],
});

describeRule(firewallNoWidePorts, {
  base: webIngress(),
  nonCompliant: [
    { title: "protocol all", edit: web("allows.0.protocol", "all"), expect: [/tcp\/0-65535, 65536 ports/, /udp\/0-65535, 65536 ports/, /sctp\/0-65535, 65536 ports/] },
    { title: "sctp without ports", edit: all(web("allows.0.protocol", "sctp"), web("allows.0.ports", [])), expect: [/firewall web-in \(Firewall\) allows 0\.0\.0\.0\/0 to sctp\/0-65535, 65536 ports \(limit 100\)/] },
    { title: "all protocols with only tcp and udp denied first leaves every SCTP port open", edit: all(web("allows.0.protocol", "all"), denyIn({ denies: [{ protocol: "tcp" }, { protocol: "udp" }] })), expect: [/sctp\/0-65535, 65536 ports \(limit 100\) \(what the earlier deny rule deny-in leaves of it\)/] },
    { title: "a 1000-port range", edit: web("allows.0.ports", ["8000-8999"]), expect: [/firewall web-in \(Firewall\) allows 0\.0\.0\.0\/0 to tcp\/8000-8999, 1000 ports \(limit 100\)/] },
    {
      title: "a deny evaluated first takes half of a wide range, the rest still too wide",
      edit: all(web("allows.0.ports", ["8000-8999"]), denyIn({ denies: [{ protocol: "tcp", ports: ["8000-8499"] }] })),
      expect: [/allows 0\.0\.0\.0\/0 to tcp\/8500-8999, 500 ports \(limit 100\) \(what the earlier deny rule deny-in leaves of it\)/],
    },
  ],
  compliant: [
    { title: "a deny evaluated first cuts a wide range into narrow ones", edit: all(web("allows.0.ports", ["8000-8999"]), denyIn({ denies: [{ protocol: "tcp", ports: ["8050-8949"] }] })), expect: [] },
    { title: "a wide range within a raised limit", edit: web("allows.0.ports", ["8000-8999"]), config: { maxPortRange: 1000 }, expect: [] },
    { title: "all protocols, but every tcp, udp and sctp port denied first", edit: all(web("allows.0.protocol", "all"), denyIn({ denies: [{ protocol: "tcp" }, { protocol: "udp" }, { protocol: "sctp" }] })), expect: [] },
    { title: "sctp on one port", edit: all(web("allows.0.protocol", "sctp"), web("allows.0.ports", ["3868"])), expect: [] },
  ],
  unknown: [{ title: "an unknown protocol", edit: web("allows.0.protocol", U), expect: [] }],
});

describeRule(firewallNoUnrestrictedEgress, {
  base: egress(),
  nonCompliant: [
    { title: "every protocol to the world", edit: out("allows.0.protocol", "all"), expect: [/firewall app-out \(Firewall\) allows egress to 0\.0\.0\.0\/0 on .*udp.*outside the allow-list tcp\/443/] },
    { title: "no destination named: GCP applies 0.0.0.0/0", edit: all(out("destinationRanges", undefined), out("allows.0.ports", ["25"])), expect: [/allows egress to 0\.0\.0\.0\/0 \(no destination named: GCP's default\) on tcp\/25/] },
  ],
  compliant: [
    { title: "egress to a private range", edit: all(out("destinationRanges", ["10.0.0.0/8"]), out("allows.0.protocol", "all")), expect: [] },
    {
      title: "every tcp port allowed, all but 443 denied to the world first",
      edit: all(out("allows.0.ports", []), add(onNet("deny-out", { direction: "EGRESS", priority: 500, denies: [{ protocol: "tcp", ports: ["0-442", "444-65535"] }], destinationRanges: ["0.0.0.0/0"] }))),
      expect: [],
    },
  ],
  unknown: [{ title: "unknown direction", edit: all(out("direction", U), out("allows.0.protocol", "all")), expect: [] }],
});

const subnet = () => f("gcp:compute/subnetwork:Subnetwork", "app-a", { ipCidrRange: "10.10.0.0/24", network: U, privateIpGoogleAccess: true, logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5 } });

describeRule(subnetFlowLogs, {
  base: subnet(),
  nonCompliant: [
    { title: "no logConfig", edit: set("logConfig", undefined), expect: [/subnet app-a \(Subnetwork\) \(10\.10\.0\.0\/24\) has no flow logs/] },
    { title: "logConfig null", edit: set("logConfig", null), expect: [/has no flow logs/] },
  ],
  compliant: [{ title: "a proxy-only subnet", edit: all(set("logConfig", undefined), set("purpose", "REGIONAL_MANAGED_PROXY")), expect: [] }],
  unknown: [{ title: "unknown logConfig", edit: set("logConfig", U), expect: [] }],
});

describeRule(subnetPrivateGoogleAccess, {
  base: subnet(),
  nonCompliant: [
    { title: "private access off", edit: set("privateIpGoogleAccess", false), expect: [/subnet app-a \(Subnetwork\) \(10\.10\.0\.0\/24\) has privateIpGoogleAccess off/] },
    { title: "private access unset", edit: set("privateIpGoogleAccess", undefined), expect: [/privateIpGoogleAccess off/] },
  ],
  unknown: [{ title: "unknown private access", edit: set("privateIpGoogleAccess", U), expect: [] }],
});

describeRule(noDefaultNetwork, {
  base: f("gcp:compute/network:Network", "shop", { name: "shop", autoCreateSubnetworks: false }),
  nonCompliant: [
    { title: "autoCreateSubnetworks left to its default", edit: set("autoCreateSubnetworks", undefined), expect: [/network shop \(Network\) is auto-mode \(autoCreateSubnetworks unset, defaults to true\)/] },
    { title: "named default", edit: set("name", "default"), expect: [/network shop \(Network\) is named default/] },
  ],
  unknown: [{ title: "unknown autoCreateSubnetworks", edit: set("autoCreateSubnetworks", U), expect: [] }],
});

const vm = () => f("gcp:compute/instance:Instance", "api-1", { machineType: "e2-small", labels: { "netseg-zone": "app", "netseg-internet": "none" }, networkInterfaces: [{ subnetwork: U }], canIpForward: false });

describeRule(vmNoExternalIp, {
  base: vm(),
  nonCompliant: [
    { title: "an external IP in a private zone", edit: set("networkInterfaces.0.accessConfigs", [{}]), expect: [/VM api-1 \(Instance\) networkInterfaces\[0\] has an external IP \(accessConfigs\) but zone app is not internet-facing/] },
    { title: "IP forwarding outside a gateway zone", edit: set("canIpForward", true), expect: [/VM api-1 \(Instance\) has canIpForward on but zone app is not a gateway zone/] },
  ],
  compliant: [
    { title: "a NAT appliance in a configured gateway zone", edit: set("canIpForward", true), config: { gatewayZones: ["app"] }, expect: [] },
    { title: "an external IP in an internet-facing zone", edit: all(set("networkInterfaces.0.accessConfigs", [{}]), set("labels.netseg-internet", "inbound")), expect: [] },
  ],
  unknown: [
    { title: "unknown access configs", edit: set("networkInterfaces.0.accessConfigs", U), expect: [] },
    { title: "unknown labels with an external IP", edit: all(set("labels", U), set("networkInterfaces.0.accessConfigs", [{}])), expect: [/but no zone label marks it internet-facing/] },
  ],
});

describeRule(gkeNetworkPolicyEnabled, {
  base: f("gcp:container/cluster:Cluster", "gke", { location: "europe-west1", datapathProvider: "ADVANCED_DATAPATH" }),
  nonCompliant: [
    { title: "legacy datapath without network policy", edit: set("datapathProvider", "LEGACY_DATAPATH"), expect: [/GKE cluster gke \(Cluster\) does not enforce NetworkPolicy/] },
    { title: "network policy enabled but the add-on disabled", edit: all(set("datapathProvider", undefined), set("networkPolicy", { enabled: true }), set("addonsConfig", { networkPolicyConfig: { disabled: true } })), expect: [/disables the add-on/] },
  ],
  compliant: [{ title: "Calico network policy", edit: all(set("datapathProvider", undefined), set("networkPolicy", { enabled: true, provider: "CALICO" })), expect: [] }],
  unknown: [{ title: "unknown datapath", edit: set("datapathProvider", U), expect: [] }],
});

describeRule(firewallWellFormed, {
  base: onNet("web-in", { direction: "INGRESS", allows: [{ protocol: "tcp", ports: ["443", "8000-8100"] }], sourceRanges: ["0.0.0.0/0"], targetTags: ["web"] }),
  nonCompliant: [
    { title: "a port of 70000", edit: set("allows.0.ports.0", "70000"), expect: [/firewall web-in \(Firewall\): allows\[0\]: ports\[0\] "70000" is not a port or range; write "22" or "8000-8100"/] },
    { title: "a range that runs backwards", edit: set("allows.0.ports.1", "8100-8000"), expect: [/allows\[0\]: ports\[1\] "8100-8000"/] },
    { title: "a port that is null", edit: set("allows.0.ports.0", null), expect: [/allows\[0\]: ports\[0\] null/] },
    { title: "an invalid source range", edit: set("sourceRanges", ["0.0.0.0/0", "999.1.1.1/33"]), expect: [/sourceRanges: CIDR "999\.1\.1\.1\/33"/] },
    { title: "a direction GCP does not know", edit: set("direction", "INBOUND"), expect: [/direction "INBOUND" is neither "INGRESS" nor "EGRESS"/] },
    { title: "a priority out of range", edit: set("priority", 70000), expect: [/priority 70000 is not a whole number from 0 to 65535/] },
    { title: "a missing protocol", edit: set("allows.0.protocol", undefined), expect: [/allows\[0\]: protocol undefined is not a protocol/] },
  ],
  compliant: [{ title: "esp takes no ports", edit: set("allows.0", { protocol: "esp" }), expect: [] }],
  unknown: [{ title: "an unknown port", edit: set("allows.0.ports.0", U), expect: [] }],
});
