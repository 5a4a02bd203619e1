/**
 * Passing condition: data stores (RDS, Redshift, ElastiCache, OpenSearch/Elasticsearch) are not
 * publicly accessible and sit inside a VPC (a subnet group or VPC options), so the data tier is
 * reachable only through the segmentation.
 */
import { z } from "zod";
import { bool, field, isUnknown, strings, type PlainObject } from "../../../core/resources";
import { label, resourceRule } from "../define";

export const datastoreNotPublicConfig = z.object({});

type Check = (p: PlainObject) => string[];

const publicFlag: Check = (p) => (bool(p.publiclyAccessible) === true ? ["publiclyAccessible is true"] : []);
const needs = (prop: string, what: string): Check => (p) => (p[prop] === undefined || p[prop] === null || p[prop] === "" ? [`no ${prop}: ${what}`] : []);
const vpcOptions: Check = (p) => {
  const vo = p.vpcOptions;
  if (isUnknown(vo)) return [];
  const subnets = strings(field(vo, "subnetIds"));
  return subnets.unknown || subnets.known.length > 0 ? [] : ["no vpcOptions.subnetIds: the domain gets a public endpoint"];
};

const CHECKS: Record<string, Check[]> = {
  "aws:rds/instance:Instance": [publicFlag, needs("dbSubnetGroupName", "the instance lands in the default VPC")],
  "aws:rds/clusterInstance:ClusterInstance": [publicFlag],
  "aws:rds/cluster:Cluster": [needs("dbSubnetGroupName", "the cluster lands in the default VPC")],
  "aws:redshift/cluster:Cluster": [publicFlag, needs("clusterSubnetGroupName", "the cluster lands in the default VPC")],
  "aws:elasticache/cluster:Cluster": [needs("subnetGroupName", "the cluster lands in the default VPC")],
  "aws:elasticache/replicationGroup:ReplicationGroup": [needs("subnetGroupName", "the group lands in the default VPC")],
  "aws:opensearch/domain:Domain": [vpcOptions],
  "aws:elasticsearch/domain:Domain": [vpcOptions],
};

export const datastoreNotPublic = resourceRule({
  name: "netseg-aws-datastore-not-public",
  description: "RDS, Redshift, ElastiCache and OpenSearch data stores are not publicly accessible and are placed inside a VPC.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Set publiclyAccessible to false and give the data store a subnet group (dbSubnetGroupName, clusterSubnetGroupName, subnetGroupName) or vpcOptions.subnetIds in the data zone's private subnets.",
  config: datastoreNotPublicConfig,
  covers: { rows: [12], ids: ["awsguard", "Checkov"] },
  types: Object.keys(CHECKS),
  check: (r, _cfg, report) => {
    for (const c of CHECKS[r.type]) for (const problem of c(r.props)) report(`data store ${label(r)}: ${problem}`);
  },
});
