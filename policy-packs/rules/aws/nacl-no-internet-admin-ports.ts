/**
 * Passing condition: no network ACL lets the whole internet reach an admin port. Entries are
 * evaluated in rule-number order, inline and standalone together, so a deny placed before a
 * world allow closes what the allow would open, and an allow behind a narrower deny still counts;
 * allows still reached add up (0.0.0.0/1 and 128.0.0.0/1 in two entries are the internet), and a
 * malformed entry counts at its most open.
 */
import { z } from "zod";
import { AWS_NACL_ACL_TYPES, AWS_NACL_TYPES, orderedWorldExposure } from "../../../core/resources";
import { portSpecs, trafficOf } from "../config";
import { stackRule } from "../define";
import { aclName, aclsOf, aclUrn, entryName, exposureDetail, orderedEntries } from "./nacl-view";

export const naclNoInternetAdminPortsConfig = z.object({
  adminPorts: portSpecs("Ports that must never be open to the internet.", ["tcp/22", "tcp/3389"]),
});

export const naclNoInternetAdminPorts = stackRule({
  name: "netseg-aws-nacl-no-internet-admin-ports",
  description: "No network ACL allows ingress from the whole internet to an admin port (tcp/22 and tcp/3389 unless configured) once its entries are applied in rule-number order.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Add a deny entry for the admin ports from 0.0.0.0/0 and ::/0 with a lower rule number than any broad allow, or narrow the allow entries to a bastion or VPN range.",
  config: naclNoInternetAdminPortsConfig,
  covers: { rows: [7], ids: ["CKV_AWS_229", "CKV_AWS_230", "CKV_AWS_231", "CKV_AWS_232", "Trivy AWS-0105"] },
  types: [...AWS_NACL_ACL_TYPES, AWS_NACL_TYPES.rule],
  check: (stack, cfg, report) => {
    for (const v of aclsOf(stack)) {
      // An unknown inline list may hold an entry in front of any other: nothing is proven.
      if (!v.complete) continue;
      for (const f of orderedWorldExposure(orderedEntries(v, "ingress", true), trafficOf(cfg.adminPorts))) {
        if (f.rule.entry.direction === undefined) continue;
        const d = exposureDetail(f, v);
        report(`network ACL ${aclName(v)} ${entryName(f.rule, v)} allows ${d.cidrs} to admin port ${f.traffic}${d.note}`, aclUrn(v));
      }
    }
  },
});
