/**
 * The intent of examples/egress-allowlist on GCP: a SegmentedNetwork whose `payments` zone has
 * `egress: proxy` (so no route to the internet), and the GcpEgressProxy that is its only way
 * out. The payments instances run as the zone's service account and set HTTPS_PROXY to the
 * region's `proxyUrls` entry; Squid passes api.stripe.com:443 and registry.npmjs.org:443 and
 * denies everything else, logging each request to Cloud Logging.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadIntentFile } from "netseg";
import { GcpEgressProxy, SegmentedNetwork } from "netseg/gcp";

const config = new pulumi.Config();
const intent = loadIntentFile(path.join(__dirname, "../egress-allowlist/intent.yaml"));

// The proxy is explicit (clients set HTTPS_PROXY to it): the zone's own rules need only its port.
const network = new SegmentedNetwork("payments", { intent, regions: config.getObject<string[]>("regions") ?? ["europe-west1"], egressProxyPort: 3128 });
const proxy = new GcpEgressProxy("payments-egress", { intent, network });

export const networkId = network.networkId;
/** Run the payments instances as this account: the proxy admits no one else. */
export const paymentsServiceAccount = network.serviceAccountEmails.payments;
/** What the payments workers set as HTTPS_PROXY, by region. */
export const proxyUrls = proxy.proxyUrls;
