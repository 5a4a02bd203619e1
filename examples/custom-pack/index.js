// An organisation's own CrossGuard pack: netseg's AWS rules, one of them at a stricter level and
// one left out, plus a rule of the organisation's own. Publish it with `pulumi policy publish`
// from this folder, or try it with `pulumi preview --policy-pack <this folder>` (or
// `netseg preview --policy-pack <this folder>`) after `npm install`.
const { PolicyPack } = require("@pulumi/policy");
const { awsRules, decodeEachResourceOnce } = require("netseg/policies");

/** Every security group names the team that owns it, so an alert reaches someone. */
const securityGroupOwner = {
  name: "acme-sg-owner-tag",
  description: "Every security group carries an owner tag naming the team that answers for it.",
  enforcementLevel: "mandatory",
  severity: "low",
  remediationSteps: 'Add tags: { owner: "<team>" } to the security group.',
  url: "https://wiki.example.com/network/owner-tags",
  tags: ["ownership"],
  validateResource: (args, reportViolation) => {
    if (args.type !== "aws:ec2/securityGroup:SecurityGroup") return;
    const owner = args.props.tags?.owner;
    if (typeof owner !== "string" || owner.trim() === "") reportViolation(`security group ${args.name} has no owner tag`);
  },
};

const netsegRules = awsRules
  // Descriptions are checked by the organisation's linter already.
  .filter((rule) => rule.name !== "netseg-aws-sg-rule-descriptions")
  // Flow logs are a must here, not a suggestion.
  .map((rule) => (rule.name === "netseg-aws-vpc-flow-logs" ? { ...rule, enforcementLevel: "mandatory" } : rule));

// The server decodes each resource once per call for all the pack's policies instead of once per
// policy (netseg's AWS stack rules read every resource of the stack): safe because no policy
// here writes to the properties it is given, which all of them then share.
decodeEachResourceOnce();
new PolicyPack("acme-network-policies", { policies: [...netsegRules, securityGroupOwner] });
