/** The GCP rule list; the pack in policy-packs/gcp serves exactly this. */
import { policiesOf } from "../registry";
import * as all from "./all";

export const gcpRules = policiesOf(all);
