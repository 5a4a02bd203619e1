/**
 * The transit gateway and its routing, created from `planTenantRouting`: default association
 * and propagation off, one route table per tenant and one for shared services, each attachment
 * associated with its own table, static routes and the pool blackhole as planned.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { TenantRoutingPlan } from "../../../core/tenants";

export interface TransitResources {
  readonly transitGateway: aws.ec2transitgateway.TransitGateway;
  readonly routeTables: Record<string, aws.ec2transitgateway.RouteTable>;
  readonly routes: aws.ec2transitgateway.Route[];
  readonly resourceShare?: aws.ram.ResourceShare;
}

export function createTransitGateway(name: string, intentName: string, tags: Record<string, string>, parent: pulumi.Resource): aws.ec2transitgateway.TransitGateway {
  return new aws.ec2transitgateway.TransitGateway(
    `${name}-tgw`,
    {
      description: `netseg tenants of ${intentName}: one route table per tenant`,
      defaultRouteTableAssociation: "disable",
      defaultRouteTablePropagation: "disable",
      autoAcceptSharedAttachments: "disable",
      dnsSupport: "enable",
      tags: { ...tags, Name: `${intentName}-tenants` },
    },
    { parent },
  );
}

/** Route key inside a table: stable (the destination's owner), not the CIDR text's position. */
export function routeKey(table: string, r: TenantRoutingPlan["routeTables"][number]["routes"][number]): string {
  return r.target.kind === "blackhole" ? `${table}-blackhole-pool` : `${table}-to-${r.target.attachment}`;
}

export function createTransitRouting(
  name: string,
  plan: TenantRoutingPlan,
  tgw: aws.ec2transitgateway.TransitGateway,
  attachments: Readonly<Record<string, aws.ec2transitgateway.VpcAttachment>>,
  tagsFor: (key: string) => Record<string, string>,
  ram: { readonly principals: readonly string[]; readonly allowExternalPrincipals?: boolean } | undefined,
): TransitResources {
  const routeTables: Record<string, aws.ec2transitgateway.RouteTable> = {};
  const routes: aws.ec2transitgateway.Route[] = [];
  for (const table of plan.routeTables) {
    const rt = new aws.ec2transitgateway.RouteTable(`${name}-${table.key}`, { transitGatewayId: tgw.id, tags: { ...tagsFor(table.key), Name: `${name}-${table.key}` } }, { parent: tgw });
    routeTables[table.key] = rt;
    new aws.ec2transitgateway.RouteTableAssociation(`${name}-${table.key}`, { transitGatewayAttachmentId: attachments[table.associatedAttachment].id, transitGatewayRouteTableId: rt.id, replaceExistingAssociation: true }, { parent: rt });
    for (const r of table.routes) {
      const target = r.target.kind === "blackhole" ? { blackhole: true } : { transitGatewayAttachmentId: attachments[r.target.attachment].id };
      routes.push(new aws.ec2transitgateway.Route(`${name}-${routeKey(table.key, r)}`, { transitGatewayRouteTableId: rt.id, destinationCidrBlock: r.destination, ...target }, { parent: rt }));
    }
  }
  let resourceShare: aws.ram.ResourceShare | undefined;
  if (ram && ram.principals.length) {
    resourceShare = new aws.ram.ResourceShare(`${name}-tgw`, { allowExternalPrincipals: ram.allowExternalPrincipals ?? false, tags: tagsFor("ram") }, { parent: tgw });
    new aws.ram.ResourceAssociation(`${name}-tgw`, { resourceArn: tgw.arn, resourceShareArn: resourceShare.arn }, { parent: resourceShare });
    for (const principal of [...new Set(ram.principals)].sort()) {
      new aws.ram.PrincipalAssociation(`${name}-tgw-${principal.replace(/[^A-Za-z0-9-]/g, "-")}`, { principal, resourceShareArn: resourceShare.arn }, { parent: resourceShare });
    }
  }
  return { transitGateway: tgw, routeTables, routes, resourceShare };
}
