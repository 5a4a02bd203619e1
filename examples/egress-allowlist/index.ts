/**
 * A SegmentedVpc whose `payments` zone has `egress: proxy`, and the EgressProxy that is its only
 * way out; both are told the backend. With network-firewall, the zone's security group and NACL
 * send the allow-listed ports to the internet and nowhere inside the VPC (10.40.0.0/16 is left
 * out of the group's blocks and denied in the NACL: that traffic would never cross the firewall),
 * and the firewall, which every packet out of the zone crosses, passes only TLS naming
 * api.stripe.com or registry.npmjs.org on 443 (the SNI; see EgressProxy's tlsInspection for
 * proving the name). With proxy-fleet, the zone has no
 * route out at all, and its security group and NACL open only tcp/3128 towards Squid on the
 * internal load balancer.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadIntentFile } from "netseg";
import { SegmentedVpc, EgressProxy, egressNetworkOf } from "netseg/aws";

const config = new pulumi.Config();
const backend = (config.get("backend") ?? "network-firewall") as "network-firewall" | "proxy-fleet";
if (backend !== "network-firewall" && backend !== "proxy-fleet") throw new Error(`config backend: "${backend}" is neither "network-firewall" nor "proxy-fleet"`);
const intent = loadIntentFile(path.join(__dirname, "intent.yaml"));

const vpc = new SegmentedVpc("payments", {
  intent,
  natGateways: "none",
  egressProxy: { backend },
});

const proxy = new EgressProxy("payments-egress", { intent, network: egressNetworkOf(vpc), backend });

export const vpcId = vpc.vpcId;
export const egressBackend = backend;
export const egressSubnetIds = proxy.subnetIds;
/** proxy-fleet only: what the payments workers set as HTTPS_PROXY. */
export const proxyUrl = proxy.proxyUrl;
export const firewallArn = proxy.firewall?.firewall.arn;
export const notes = proxy.notes;
