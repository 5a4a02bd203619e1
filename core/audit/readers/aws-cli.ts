/**
 * Reads AWS CLI JSON outputs (`aws ec2 describe-*`, as documented in the EC2 API reference, field
 * for field) into the resources the engine and the packs read. A document is one command's output:
 * an object whose top-level key names the records (`Vpcs`, `SecurityGroups`, `Reservations`...),
 * plus `NextToken` when it is one page of several. Any other top-level key is another command's
 * output (`LoadBalancers`, `DBInstances`...): its records are listed as not read, never dropped.
 */
import { NETWORK_HANDLERS, type Handler } from "./aws-cli-network";
import { securityGroupRules, securityGroups } from "./aws-cli-security-groups";
import { networkInterfaces, reservations, vpcEndpoints } from "./aws-cli-compute";
import { attachments, routeTables as tgwRouteTables, tgwRoutes, transitGateways, vpcAttachments } from "./aws-cli-transit";
import { arr, obj, text, type Tally } from "./common";
import { AWS_SG_TYPES } from "../../resources/aws-security-groups";

/** The prefix list a `get-managed-prefix-list-entries` file holds, from its name (`pl-0abc.json`). */
export function prefixListFromFileName(file: string): string | undefined {
  return /pl-[0-9a-f]+/.exec(file.slice(file.lastIndexOf("/") + 1))?.[0];
}

/** `describe-managed-prefix-lists`: the lists; their entries come from `get-managed-prefix-list-entries`. */
const prefixLists: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const p = obj(x);
    const id = text(p?.PrefixListId);
    t.skip(
      `${at}[${i}]`,
      "AWS::EC2::PrefixList",
      `prefix list ${id ?? "(no id)"} ${text(p?.PrefixListName) ? `(${text(p?.PrefixListName)}) ` : ""}without its entries: give \`aws ec2 get-managed-prefix-list-entries --prefix-list-id ${id ?? "<id>"}\` in a file named ${id ?? "<id>"}.json; until then rules naming it may match any address`,
      id,
    );
  });
};

/** `get-managed-prefix-list-entries`: `{ Entries: [{ Cidr, Description }] }`, the list named by the file. */
const prefixListEntries: Handler = (t, list, at) => {
  const id = prefixListFromFileName(t.file);
  if (!id) {
    t.skip(at, "AWS::EC2::PrefixList entries", `${list.length} prefix-list entries, but get-managed-prefix-list-entries does not name its list: name the file after it (pl-0abc.json)`);
    return;
  }
  const entries = list.flatMap((x) => {
    const e = obj(x);
    return text(e?.Cidr) ? [{ cidr: e!.Cidr, ...(text(e!.Description) ? { description: e!.Description } : {}) }] : [];
  });
  if (entries.length !== list.length) t.skip(at, "AWS::EC2::PrefixList entries", `${list.length - entries.length} entries without a Cidr: the list is read without them`, id);
  t.add("AWS::EC2::PrefixList", AWS_SG_TYPES.prefixList, id, { entries, maxEntries: entries.length });
};

const HANDLERS: Readonly<Record<string, Handler>> = {
  ...NETWORK_HANDLERS,
  SecurityGroups: securityGroups,
  SecurityGroupRules: securityGroupRules,
  Reservations: reservations,
  NetworkInterfaces: networkInterfaces,
  VpcEndpoints: vpcEndpoints,
  TransitGateways: transitGateways,
  TransitGatewayVpcAttachments: vpcAttachments,
  TransitGatewayAttachments: attachments,
  TransitGatewayRouteTables: tgwRouteTables,
  Routes: tgwRoutes,
  PrefixLists: prefixLists,
  Entries: prefixListEntries,
};

/** Keys of an output that carry no records. */
const META = new Set(["NextToken", "AdditionalRoutesAvailable"]);

/** The output keys this reader knows, for detection and messages. */
export const AWS_OUTPUT_KEYS: readonly string[] = Object.keys(HANDLERS);

/**
 * One AWS CLI document into `t`. `prefix` is the document's place in its file (`$` for the first).
 * Returns the NextToken of a page, when the document is one.
 */
export function readAwsDocument(t: Tally, doc: Record<string, unknown>, prefix: string): string | undefined {
  for (const [key, value] of Object.entries(doc)) {
    if (META.has(key)) continue;
    const at = `${prefix}.${key}`;
    const handler = HANDLERS[key];
    if (!handler) {
      const n = Array.isArray(value) ? value.length : 1;
      for (let i = 0; i < n; i++) t.skip(Array.isArray(value) ? `${at}[${i}]` : at, `AWS CLI ${key}`, `no reader for ${key} records (read: ${AWS_OUTPUT_KEYS.join(", ")})`);
      continue;
    }
    if (!Array.isArray(value)) {
      t.skip(at, `AWS CLI ${key}`, `${key} is ${value === null ? "null" : typeof value}, expected a list`);
      continue;
    }
    handler(t, arr(value), at);
  }
  return text(doc.NextToken);
}
