export * from "./types";
export { AWS_LIMITS, AWS_DESCRIPTION_PATTERN, AWS_DESCRIPTION_CHARACTERS, AUTONAME_SUFFIX_LENGTH, badDescriptionCharacters, checkTags, checkSecurityGroupName } from "./limits";
export { zonesNeedingNat, type AwsRuleInput, type AwsPlanOptions } from "./context";
export { EGRESS_PROXY_GROUP } from "./security-groups";
export { FINAL_DENY_RULE_NUMBER, FIRST_RULE_NUMBER, QUARANTINE_RULE_NUMBERS, returnTraffic } from "./nacl";
export { planAwsRules, planAwsRulesForIntent } from "./plan";
export { renderAwsPlanText, renderAddressPlanText } from "./render";
export { INTERNET_ADMIN_PORTS, internetAdminDenies } from "./admin-ports";
