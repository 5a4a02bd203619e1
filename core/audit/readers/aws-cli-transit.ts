/**
 * AWS CLI transit gateway outputs as the provider's `ec2transitgateway` resources:
 * `describe-transit-gateways` (with the default association and propagation tables its options
 * name), `describe-transit-gateway-vpc-attachments` and `describe-transit-gateway-attachments`
 * (the VPC attachments, each with the route table it is associated with), `describe-transit-gateway-route-tables`,
 * and `search-transit-gateway-routes`. That last output does not name its table: the table id is
 * taken from the file name (`tgw-rtb-0abc.json`), the way `aws ... > tgw-rtb-0abc.json` is usually
 * run; without it the routes are listed as not read. Propagated routes are read as the routes
 * they are (the table's actual state), like static ones.
 */
import { AWS } from "../../reachability/aws/types";
import { arr, awsTags, obj, pluck, text } from "./common";
import type { Handler } from "./aws-cli-network";

const enabled = (v: unknown): string | undefined => (v === "enable" || v === "disable" ? v : undefined);

export const transitGateways: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const g = obj(x);
    const id = text(g?.TransitGatewayId);
    const where = `${at}[${i}]`;
    if (!g || !id) return t.skip(where, "AWS::EC2::TransitGateway", "no TransitGatewayId");
    const state = text(g.State);
    if (state === "deleted" || state === "deleting") return t.skip(where, "AWS::EC2::TransitGateway", `state ${state}: it carries no traffic`, id);
    const o = obj(g.Options) ?? {};
    t.add("AWS::EC2::TransitGateway", AWS.tgw, id, {
      arn: text(g.TransitGatewayArn),
      ownerId: text(g.OwnerId),
      amazonSideAsn: o.AmazonSideAsn,
      defaultRouteTableAssociation: enabled(o.DefaultRouteTableAssociation),
      defaultRouteTablePropagation: enabled(o.DefaultRouteTablePropagation),
      associationDefaultRouteTableId: text(o.AssociationDefaultRouteTableId),
      propagationDefaultRouteTableId: text(o.PropagationDefaultRouteTableId),
      dnsSupport: enabled(o.DnsSupport),
      vpnEcmpSupport: enabled(o.VpnEcmpSupport),
      tags: awsTags(g.Tags),
    });
    // The default tables are real route tables: the provider's default-table resources point the gateway at them.
    const assoc = text(o.AssociationDefaultRouteTableId);
    if (assoc) t.add("AWS::EC2::TransitGateway (default association table)", AWS.tgwDefaultAssoc, `${id}/default-association`, { transitGatewayId: id, transitGatewayRouteTableId: assoc });
    const prop = text(o.PropagationDefaultRouteTableId);
    if (prop) t.add("AWS::EC2::TransitGateway (default propagation table)", AWS.tgwDefaultProp, `${id}/default-propagation`, { transitGatewayId: id, transitGatewayRouteTableId: prop });
  });
};

const LIVE = new Set(["available", "modifying", "pending", "pendingAcceptance", "initiating", "initiatingRequest"]);

/** `describe-transit-gateway-vpc-attachments`: the attachment's VPC and subnets. */
export const vpcAttachments: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const a = obj(x);
    const id = text(a?.TransitGatewayAttachmentId);
    const where = `${at}[${i}]`;
    if (!a || !id) return t.skip(where, "AWS::EC2::TransitGatewayVpcAttachment", "no TransitGatewayAttachmentId");
    if (!LIVE.has(text(a.State) ?? "available")) return t.skip(where, "AWS::EC2::TransitGatewayVpcAttachment", `state ${text(a.State)}: it carries no traffic`, id);
    const o = obj(a.Options) ?? {};
    t.add("AWS::EC2::TransitGatewayVpcAttachment", AWS.tgwAttachment, id, {
      transitGatewayId: text(a.TransitGatewayId),
      vpcId: text(a.VpcId),
      vpcOwnerId: text(a.VpcOwnerId),
      subnetIds: arr(a.SubnetIds).filter((s) => typeof s === "string"),
      applianceModeSupport: enabled(o.ApplianceModeSupport),
      ipv6Support: enabled(o.Ipv6Support),
      dnsSupport: enabled(o.DnsSupport),
      tags: awsTags(a.Tags),
    });
  });
};

/** `describe-transit-gateway-attachments`: every kind of attachment, with its route table association. */
export const attachments: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const a = obj(x);
    const id = text(a?.TransitGatewayAttachmentId);
    const where = `${at}[${i}]`;
    if (!a || !id) return t.skip(where, "AWS::EC2::TransitGatewayAttachment", "no TransitGatewayAttachmentId");
    const type = text(a.ResourceType);
    if (!LIVE.has(text(a.State) ?? "available")) return t.skip(where, `AWS::EC2::TransitGatewayAttachment (${type})`, `state ${text(a.State)}: it carries no traffic`, id);
    if (type !== "vpc") {
      return t.skip(where, `AWS::EC2::TransitGatewayAttachment (${type ?? "unknown type"})`, `a ${type ?? "non-VPC"} attachment (${text(a.ResourceId) ?? "?"}): networks behind it are outside the inventory; routes to it are read as leading outside`, id);
    }
    // The VPC attachment itself (its subnets come from describe-transit-gateway-vpc-attachments when given).
    t.add("AWS::EC2::TransitGatewayAttachment (vpc)", AWS.tgwAttachment, id, { transitGatewayId: text(a.TransitGatewayId), vpcId: text(a.ResourceId), vpcOwnerId: text(a.ResourceOwnerId), tags: awsTags(a.Tags) });
    const assoc = obj(a.Association);
    const table = text(assoc?.TransitGatewayRouteTableId);
    if (table && text(assoc?.State) === "associated") {
      t.add("AWS::EC2::TransitGatewayRouteTableAssociation", AWS.tgwRtAssoc, `${table}/${id}`, { transitGatewayAttachmentId: id, transitGatewayRouteTableId: table });
    }
  });
};

export const routeTables: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const r = obj(x);
    const id = text(r?.TransitGatewayRouteTableId);
    const where = `${at}[${i}]`;
    if (!r || !id) return t.skip(where, "AWS::EC2::TransitGatewayRouteTable", "no TransitGatewayRouteTableId");
    if (text(r.State) === "deleted" || text(r.State) === "deleting") return t.skip(where, "AWS::EC2::TransitGatewayRouteTable", `state ${text(r.State)}`, id);
    t.add("AWS::EC2::TransitGatewayRouteTable", AWS.tgwRouteTable, id, {
      transitGatewayId: text(r.TransitGatewayId),
      defaultAssociationRouteTable: r.DefaultAssociationRouteTable === true,
      defaultPropagationRouteTable: r.DefaultPropagationRouteTable === true,
      tags: awsTags(r.Tags),
    });
  });
};

/** The TGW route table a `search-transit-gateway-routes` file is about, from its name. */
export function tableFromFileName(file: string): string | undefined {
  return /tgw-rtb-[0-9a-f]+/.exec(file.slice(file.lastIndexOf("/") + 1))?.[0];
}

export const tgwRoutes: Handler = (t, list, at) => {
  const table = tableFromFileName(t.file);
  list.forEach((x, i) => {
    const r = obj(x);
    const where = `${at}[${i}]`;
    const dest = text(r?.DestinationCidrBlock);
    if (!r || !dest) return t.skip(where, "AWS::EC2::TransitGatewayRoute", `no DestinationCidrBlock${text(r?.PrefixListId) ? ` (prefix list ${text(r?.PrefixListId)} is not expanded)` : ""}: not analysed`);
    if (!table) return t.skip(where, "AWS::EC2::TransitGatewayRoute", "search-transit-gateway-routes does not name its route table: name the file after it (tgw-rtb-0abc.json) so its routes can be read");
    const state = text(r.State);
    const attachmentIds = pluck(r.TransitGatewayAttachments, "TransitGatewayAttachmentId");
    if (state !== "blackhole" && attachmentIds.length !== 1) {
      return t.skip(where, "AWS::EC2::TransitGatewayRoute", `${attachmentIds.length} attachments (ECMP or none): not analysed`);
    }
    t.add(`AWS::EC2::TransitGatewayRoute (${text(r.Type) ?? "static"})`, AWS.tgwRoute, `${table}/${dest}`, {
      transitGatewayRouteTableId: table,
      destinationCidrBlock: dest,
      ...(state === "blackhole" ? { blackhole: true } : { transitGatewayAttachmentId: attachmentIds[0] }),
    });
  });
};
