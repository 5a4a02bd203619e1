/** Every resource type the engine reads, over all platforms: what a caller should hand it. */
import { AWS } from "./aws/types";
import { GCP } from "./gcp/model";
import { K8S } from "./k8s/model";

export const NETWORK_TYPES: readonly string[] = [...Object.values(AWS), ...Object.values(GCP), K8S.policy, K8S.namespace, K8S.pod, K8S.cronJob, K8S.anp, K8S.banp, ...K8S.templated].sort();
