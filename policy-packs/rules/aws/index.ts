/** The AWS rule list; the pack in policy-packs/aws serves exactly this. */
import { policiesOf } from "../registry";
import * as all from "./all";

export const awsRules = policiesOf(all);
