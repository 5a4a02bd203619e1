/** The Kubernetes (and Istio) rule list; the pack in policy-packs/kubernetes serves exactly this. */
import { policiesOf } from "../registry";
import * as all from "./all";

export const kubernetesRules = policiesOf(all);
