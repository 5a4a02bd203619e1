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
import { loadIntentFile } from "../../core/intent";
import { SegmentedVpc } from "../../components/aws";
import { EgressProxy, egressNetworkOf } from "../../components/aws/egress";
import { SegmentedNetwork } from "../../components/gcp";
import { NamespaceIsolation } from "../../components/k8s";

const config = new pulumi.Config();
const shop = loadIntentFile(path.join(__dirname, "../intents/shop.yaml"));

const vpc = new SegmentedVpc("shop", { intent: shop, natGateways: "perAz" });
const egress = new EgressProxy("shop-egress", {
  intent: shop,
  network: egressNetworkOf(vpc),
  backend: (config.get("egressBackend") as "network-firewall" | "proxy-fleet" | undefined) ?? "network-firewall",
});

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
