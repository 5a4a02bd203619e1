/**
 * The same intent file as the AWS three-tier example, deployed on GCP: edge reachable from the
 * internet on 80/443 (and the only zone with Cloud NAT and a route out), app reachable from
 * edge and the office and sending its allow-listed egress to the proxy, data reachable only
 * from app and with no route to the internet. Switching cloud changes this file, not the intent.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadIntentFile, type GcpTargeting } from "netseg";
import { SegmentedNetwork } from "netseg/gcp";

const config = new pulumi.Config();
const intent = loadIntentFile(path.join(__dirname, "../intents/shop.yaml"));

const network = new SegmentedNetwork("shop", {
  intent,
  // Append only: a region's position in this list is its address slot.
  regions: config.getObject<string[]>("regions") ?? ["europe-west1"],
  targeting: (config.get("targeting") as GcpTargeting | undefined) ?? "serviceAccount",
});

export const networkId = network.networkId;
export const subnetIds = network.subnetIds;
/** Run each zone's instances as its service account (and tag nat-zone instances for the internet route). */
export const serviceAccountEmails = network.serviceAccountEmails;
export const networkTags = network.networkTags;
export const zoneLabels = network.labels;
export const allowedFlows = network.plan.flowTuples();
