/**
 * Passing condition: a subnet gives instances public IPs on launch only when its zone faces the
 * internet. The zone comes from netseg's tags (`netseg:zone`, `netseg:internet`) or, for
 * hand-written subnets, from the configured `zoneTag` and `internetFacingZones`.
 */
import { z } from "zod";
import { bool, stringMap, UNKNOWN } from "../../../core/resources";
import { zoneOptions } from "../config";
import { label, resourceRule, zoneOf } from "../define";

export const subnetNoPublicIpOnLaunchConfig = z.object({ ...zoneOptions });

const SUBNET = "aws:ec2/subnet:Subnet";
const DEFAULT_SUBNET = "aws:ec2/defaultSubnet:DefaultSubnet";

export const subnetNoPublicIpOnLaunch = resourceRule({
  name: "netseg-aws-subnet-no-public-ip-on-launch",
  description: "Subnets map public IPs on launch only in internet-facing zones.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps: "Set mapPublicIpOnLaunch to false on subnets of zones that are not internet-facing; list the zone in internetFacingZones if it is one.",
  config: subnetNoPublicIpOnLaunchConfig,
  covers: { rows: [9], ids: ["CKV_AWS_130", "Trivy AWS-0164", "KICS 52f04a44"] },
  types: [SUBNET, DEFAULT_SUBNET],
  check: (r, cfg, report) => {
    const v = bool(r.props.mapPublicIpOnLaunch);
    // A default subnet maps public IPs unless told otherwise.
    const maps = v === UNKNOWN ? false : v ?? r.type === DEFAULT_SUBNET;
    if (!maps) return;
    const zone = zoneOf("aws", stringMap(r.props.tags).known, cfg);
    if (zone.internetFacing) return;
    const where = zone.zone === undefined ? "no zone tag marks it internet-facing" : `zone ${zone.zone} is not internet-facing`;
    report(`subnet ${label(r)} (${String(r.props.cidrBlock ?? "cidr unknown")}) maps public IPs on launch but ${where}`);
  },
});
