/**
 * AWS CLI security-group outputs as the provider's resources: `describe-security-groups` (each
 * group with its rules inline, `ingress`/`egress` as `aws.ec2.SecurityGroup` holds them) and
 * `describe-security-group-rules` (each rule a `SecurityGroupIngressRule`/`EgressRule`). The VPC's
 * group named `default` is a `DefaultSecurityGroup`, as the provider calls it, so the engine gives
 * its rules to interfaces that name no group. One permission of the CLI (protocol and ports with
 * several ranges, groups and prefix lists) becomes one provider rule per description, as the
 * provider splits them, so every rule keeps its own description.
 */
import { AWS } from "../../reachability/aws/types";
import { arr, awsTags, obj, text } from "./common";
import type { Handler } from "./aws-cli-network";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

/** The provider's port fields for a CLI permission: all-traffic rules carry 0/0. */
function ports(p: Record<string, unknown>): { fromPort: number; toPort: number } {
  const all = p.IpProtocol === "-1";
  return { fromPort: !all && typeof p.FromPort === "number" ? p.FromPort : 0, toPort: !all && typeof p.ToPort === "number" ? p.ToPort : 0 };
}

interface Bucket {
  cidrBlocks: string[];
  ipv6CidrBlocks: string[];
  prefixListIds: string[];
  securityGroups: string[];
  self: boolean;
}

/** One CLI permission as provider rules, one per distinct description. */
function permissionRules(groupId: string, p: Record<string, unknown>): Record<string, unknown>[] {
  const buckets = new Map<string, Bucket>();
  const bucket = (d: unknown): Bucket => {
    const key = typeof d === "string" ? d : "";
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = { cidrBlocks: [], ipv6CidrBlocks: [], prefixListIds: [], securityGroups: [], self: false }));
    return b;
  };
  for (const r of arr(p.IpRanges).map(obj)) if (text(r?.CidrIp)) bucket(r!.Description).cidrBlocks.push(r!.CidrIp as string);
  for (const r of arr(p.Ipv6Ranges).map(obj)) if (text(r?.CidrIpv6)) bucket(r!.Description).ipv6CidrBlocks.push(r!.CidrIpv6 as string);
  for (const r of arr(p.PrefixListIds).map(obj)) if (text(r?.PrefixListId)) bucket(r!.Description).prefixListIds.push(r!.PrefixListId as string);
  for (const r of arr(p.UserIdGroupPairs).map(obj)) {
    const g = text(r?.GroupId);
    if (!g) continue;
    if (g === groupId) bucket(r!.Description).self = true;
    else bucket(r!.Description).securityGroups.push(g);
  }
  return [...buckets.entries()].map(([description, b]) => ({
    protocol: p.IpProtocol,
    ...ports(p),
    cidrBlocks: b.cidrBlocks,
    ipv6CidrBlocks: b.ipv6CidrBlocks,
    prefixListIds: b.prefixListIds,
    securityGroups: b.securityGroups,
    self: b.self,
    ...(description ? { description } : {}),
  }));
}

export const securityGroups: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const g = obj(x);
    const id = text(g?.GroupId);
    if (!g || !id) return t.skip(`${at}[${i}]`, "AWS::EC2::SecurityGroup", "no GroupId: not a describe-security-groups record");
    const rules = (field: string, kind: string) =>
      arr(g[field]).flatMap((p, j) => {
        const perm = obj(p);
        if (!perm || perm.IpProtocol === undefined) {
          t.skip(`${at}[${i}].${field}[${j}]`, kind, "no IpProtocol: not a permission");
          return [];
        }
        const out = permissionRules(id, perm);
        t.count(kind, out.length);
        return out;
      });
    const ingress = rules("IpPermissions", "AWS::EC2::SecurityGroupIngress");
    const egress = rules("IpPermissionsEgress", "AWS::EC2::SecurityGroupEgress");
    const isDefault = g.GroupName === "default";
    t.add(isDefault ? "AWS::EC2::SecurityGroup (default)" : "AWS::EC2::SecurityGroup", isDefault ? AWS.defaultSg : AWS.sg, id, {
      name: text(g.GroupName),
      description: text(g.Description),
      vpcId: text(g.VpcId),
      ownerId: text(g.OwnerId),
      arn: text(g.SecurityGroupArn),
      ingress,
      egress,
      tags: awsTags(g.Tags),
    });
  });
};

export const securityGroupRules: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const r = obj(x);
    const id = text(r?.SecurityGroupRuleId);
    const where = `${at}[${i}]`;
    if (!r || !id || !text(r.GroupId) || r.IpProtocol === undefined) return t.skip(where, "AWS::EC2::SecurityGroupRule", "no SecurityGroupRuleId, GroupId or IpProtocol: not a describe-security-group-rules record");
    const ref = obj(r.ReferencedGroupInfo);
    const egress = r.IsEgress === true;
    t.add(egress ? "AWS::EC2::SecurityGroupEgress (rule)" : "AWS::EC2::SecurityGroupIngress (rule)", egress ? EGRESS : INGRESS, id, {
      securityGroupId: r.GroupId,
      ipProtocol: r.IpProtocol,
      // The provider keeps no ports on an all-traffic rule; the CLI writes -1/-1 there.
      ...(r.IpProtocol === "-1" ? {} : { fromPort: r.FromPort, toPort: r.ToPort }),
      cidrIpv4: text(r.CidrIpv4),
      cidrIpv6: text(r.CidrIpv6),
      prefixListId: text(r.PrefixListId),
      referencedSecurityGroupId: text(ref?.GroupId),
      description: text(r.Description),
      tags: awsTags(r.Tags),
    });
  });
};
