/** The intent-conformance rule list; served by policy-packs/conformance. */
import { policiesOf } from "../registry";
import * as all from "./all";

export const conformanceRules = policiesOf(all);
