/**
 * The repository's default stack (see ../../Pulumi.yaml): one platform, every part of netseg.
 *
 * - AWS: the three-tier shop intent as a SegmentedVpc, its app zone leaving only through an
 *   EgressProxy (AWS Network Firewall with the intent's allow-list).
 * - GCP: the very same intent file as a custom-mode network with identity-based firewalls.
 * - Kubernetes: the seed's microservices design, generated from its intent.
 *
 * `npm start` previews this program offline with netseg's policy packs; with a cloud account,
 * `pulumi preview --policy-pack policy-packs/aws ...` runs the same checks for real.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadIntentFile } from "netseg";
import { SegmentedVpc, EgressProxy, egressNetworkOf } from "netseg/aws";
import { SegmentedNetwork } from "netseg/gcp";
import { NamespaceIsolation } from "netseg/k8s";

const config = new pulumi.Config();
const shop = loadIntentFile(path.join(__dirname, "../intents/shop.yaml"));

const egressBackend = (config.get("egressBackend") ?? "network-firewall") as "network-firewall" | "proxy-fleet";
const vpc = new SegmentedVpc("shop", { intent: shop, natGateways: "perAz", egressProxy: { backend: egressBackend } });
const egress = new EgressProxy("shop-egress", { intent: shop, network: egressNetworkOf(vpc), backend: egressBackend });

const gcpNetwork = new SegmentedNetwork("shop", {
  intent: shop,
  regions: config.getObject<string[]>("gcpRegions") ?? ["europe-west1"],
});

const microservices = new NamespaceIsolation("microservices", {
  intent: path.join(__dirname, "../k8s-microservices/intent.yaml"),
  istio: true,
});

export const awsVpcId = vpc.vpcId;
export const awsSubnetIds = vpc.subnetIds;
export const awsEgressBackend = egress.backend;
export const gcpNetworkId = gcpNetwork.networkId;
export const kubernetesNamespaces = microservices.namespaceNames;
