/**
 * Passing condition: instances and launch templates ask for a public IP only in internet-facing
 * zones (netseg's `netseg:zone`/`netseg:internet` tags, or the configured `zoneTag` and
 * `internetFacingZones` for hand-written resources).
 */
import { z } from "zod";
import { bool, field, items, stringMap, type Plain } from "../../../core/resources";
import { zoneOptions } from "../config";
import { label, resourceRule, zoneOf } from "../define";

export const instanceNoPublicIpConfig = z.object({ ...zoneOptions });

const INSTANCE = "aws:ec2/instance:Instance";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

/** Tags of an instance, or of a launch template and the instances it tags. */
function tagsOf(type: string, props: Record<string, Plain>): Record<string, string> {
  const own = stringMap(props.tags).known;
  if (type !== LAUNCH_TEMPLATE) return own;
  const specs = items(props.tagSpecifications).known.filter((s) => field(s, "resourceType") === "instance");
  return Object.assign({}, own, ...specs.map((s) => stringMap(field(s, "tags")).known));
}

export const instanceNoPublicIp = resourceRule({
  name: "netseg-aws-instance-no-public-ip",
  description: "Instances and launch templates associate a public IP address only in internet-facing zones.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps: "Set associatePublicIpAddress to false (on the instance or the launch template's networkInterfaces) and reach the instance through a load balancer in an internet-facing zone; if its zone is internet-facing, list it in internetFacingZones.",
  config: instanceNoPublicIpConfig,
  covers: { rows: [11], ids: ["awsguard", "Checkov", "Pulumi compliance-policies"] },
  types: [INSTANCE, LAUNCH_TEMPLATE],
  check: (r, cfg, report) => {
    const where: string[] = [];
    if (r.type === INSTANCE && bool(r.props.associatePublicIpAddress) === true) where.push("associatePublicIpAddress");
    if (r.type === LAUNCH_TEMPLATE) {
      items(r.props.networkInterfaces).known.forEach((ni, i) => {
        if (bool(field(ni, "associatePublicIpAddress")) === true) where.push(`networkInterfaces[${i}].associatePublicIpAddress`);
      });
    }
    if (where.length === 0) return;
    const zone = zoneOf("aws", tagsOf(r.type, r.props), cfg);
    if (zone.internetFacing) return;
    const why = zone.zone === undefined ? "no zone tag marks it internet-facing" : `zone ${zone.zone} is not internet-facing`;
    report(`${label(r)} gets a public IP (${where.join(", ")}) but ${why}`);
  },
});
