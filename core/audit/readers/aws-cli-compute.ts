/**
 * AWS CLI outputs of what runs in a VPC: `describe-instances` (`Reservations[].Instances[]`),
 * `describe-network-interfaces` and `describe-vpc-endpoints`, as the provider's `Instance`,
 * `NetworkInterface` and `VpcEndpoint`. An instance's primary interface is the instance itself
 * (its subnet, groups and addresses); each further interface is a `NetworkInterface` of its own,
 * with the same id `describe-network-interfaces` gives it, so reading both outputs yields one
 * resource per interface. A public address on an interface (an Elastic IP or one AWS assigned)
 * is an `Eip` on it, which is how the engine learns an interface is reachable from the internet.
 */
import { AWS_WORKLOAD } from "../../reachability/aws/workloads";
import { arr, awsTags, obj, pluck, text, type Tally } from "./common";
import type { Handler } from "./aws-cli-network";

/** Addresses of one CLI interface: primary, secondary, IPv6. */
function addresses(nic: Record<string, unknown>): { primary?: string; secondary: string[]; ipv6: string[] } {
  const all = arr(nic.PrivateIpAddresses).map(obj);
  const primary = text(nic.PrivateIpAddress) ?? text(all.find((a) => a?.Primary === true)?.PrivateIpAddress);
  const secondary = all.flatMap((a) => (a && a.Primary !== true && text(a.PrivateIpAddress) ? [a.PrivateIpAddress as string] : []));
  return { primary, secondary, ipv6: pluck(nic.Ipv6Addresses, "Ipv6Address") };
}

/** A public address on an interface, as an Eip on it (an Elastic IP keeps its allocation id). */
function publicAddress(t: Tally, owner: { instance?: string; networkInterface?: string }, association: unknown): void {
  const a = obj(association);
  const ip = text(a?.PublicIp);
  if (!a || !ip) return;
  const allocation = text(a.AllocationId);
  const kind = allocation ? "AWS::EC2::EIP" : "AWS::EC2::EIP (an address AWS assigned)";
  t.add(kind, AWS_WORKLOAD.eip, allocation ?? `public-ip/${ip}`, { ...owner, publicIp: ip, domain: "vpc", ...(text(a.IpOwnerId) ? { ipOwnerId: a.IpOwnerId } : {}) });
}

/** Interfaces that are route targets or service plumbing with no security group: no endpoint of their own. */
const PLUMBING = new Set(["nat_gateway", "transit_gateway", "gateway_load_balancer", "gateway_load_balancer_endpoint", "vpc_endpoint_gateway"]);

function eni(t: Tally, nic: Record<string, unknown>, at: string, fromInstance?: string): void {
  const id = text(nic.NetworkInterfaceId);
  if (!id) return t.skip(at, "AWS::EC2::NetworkInterface", "no NetworkInterfaceId");
  const type = text(nic.InterfaceType) ?? "interface";
  const groups = pluck(nic.Groups, "GroupId");
  if (PLUMBING.has(type) || !groups.length) {
    return t.skip(at, "AWS::EC2::NetworkInterface", `interface of type ${type} with ${groups.length ? "security groups" : "no security group"}: ${PLUMBING.has(type) ? "a route target or service plumbing, read through route tables" : "nothing to judge as an endpoint"}; not analysed as one`, id);
  }
  const a = addresses(nic);
  const attachment = obj(nic.Attachment);
  t.add("AWS::EC2::NetworkInterface", AWS_WORKLOAD.eni, id, {
    subnetId: text(nic.SubnetId),
    vpcId: text(nic.VpcId),
    securityGroups: groups,
    privateIp: a.primary,
    privateIps: a.primary ? [a.primary, ...a.secondary] : a.secondary,
    ipv6Addresses: a.ipv6.length ? a.ipv6 : undefined,
    interfaceType: type,
    description: text(nic.Description),
    sourceDestCheck: nic.SourceDestCheck === false ? false : undefined,
    attachments: attachment ? [{ instance: text(attachment.InstanceId) ?? fromInstance, deviceIndex: attachment.DeviceIndex }] : undefined,
    tags: awsTags(nic.TagSet ?? nic.Tags),
  });
  publicAddress(t, { networkInterface: id }, nic.Association);
}

export const reservations: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    arr(obj(x)?.Instances).forEach((y, j) => {
      const inst = obj(y);
      const where = `${at}[${i}].Instances[${j}]`;
      const id = text(inst?.InstanceId);
      if (!inst || !id) return t.skip(where, "AWS::EC2::Instance", "no InstanceId: not a describe-instances record");
      const state = text(obj(inst.State)?.Name);
      if (state === "terminated" || state === "shutting-down") return t.skip(where, "AWS::EC2::Instance", `state ${state}: it has no network interface left`, id);
      const nics = arr(inst.NetworkInterfaces).map(obj).filter((n): n is Record<string, unknown> => !!n);
      const primary = nics.find((n) => obj(n.Attachment)?.DeviceIndex === 0) ?? (nics.length === 1 ? nics[0] : undefined);
      const a = primary ? addresses(primary) : { primary: text(inst.PrivateIpAddress), secondary: [], ipv6: [] };
      t.add("AWS::EC2::Instance", AWS_WORKLOAD.instance, id, {
        subnetId: text(inst.SubnetId) ?? text(primary?.SubnetId),
        vpcId: text(inst.VpcId),
        vpcSecurityGroupIds: pluck(primary?.Groups ?? inst.SecurityGroups, "GroupId"),
        privateIp: a.primary ?? text(inst.PrivateIpAddress),
        secondaryPrivateIps: a.secondary.length ? a.secondary : undefined,
        ipv6Addresses: a.ipv6.length ? a.ipv6 : undefined,
        publicIp: text(inst.PublicIpAddress),
        // A stopped instance's automatic public address is gone until it starts again: whether it gets one then is its subnet's say.
        associatePublicIpAddress: state === "running" || text(inst.PublicIpAddress) ? !!text(inst.PublicIpAddress) || !!text(obj(primary?.Association)?.PublicIp) : undefined,
        instanceType: text(inst.InstanceType),
        availabilityZone: text(obj(inst.Placement)?.AvailabilityZone),
        instanceState: state,
        sourceDestCheck: inst.SourceDestCheck === false ? false : undefined,
        primaryNetworkInterfaceId: text(primary?.NetworkInterfaceId),
        tags: awsTags(inst.Tags),
      });
      if (primary) publicAddress(t, { instance: id }, primary.Association);
      nics.forEach((n, k) => {
        if (n !== primary) eni(t, n, `${where}.NetworkInterfaces[${k}]`, id);
      });
    });
  });
};

export const networkInterfaces: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const nic = obj(x);
    if (!nic) return t.skip(`${at}[${i}]`, "AWS::EC2::NetworkInterface", "not an object");
    const attachment = obj(nic.Attachment);
    const instance = text(attachment?.InstanceId);
    // The primary interface of an instance is the instance (describe-instances gives the rest of it).
    if (instance && attachment?.DeviceIndex === 0) {
      t.add("AWS::EC2::NetworkInterface (primary of an instance)", AWS_WORKLOAD.eni, String(nic.NetworkInterfaceId), {
        subnetId: text(nic.SubnetId),
        securityGroups: pluck(nic.Groups, "GroupId"),
        privateIp: addresses(nic).primary,
        interfaceType: text(nic.InterfaceType),
        attachments: [{ instance, deviceIndex: 0 }],
        tags: awsTags(nic.TagSet),
      });
      publicAddress(t, { networkInterface: String(nic.NetworkInterfaceId) }, nic.Association);
      return;
    }
    eni(t, nic, `${at}[${i}]`);
  });
};

export const vpcEndpoints: Handler = (t, list, at) => {
  list.forEach((x, i) => {
    const e = obj(x);
    const id = text(e?.VpcEndpointId);
    const where = `${at}[${i}]`;
    if (!e || !id) return t.skip(where, "AWS::EC2::VPCEndpoint", "no VpcEndpointId");
    const type = text(e.VpcEndpointType);
    if (type === "GatewayLoadBalancer") return t.skip(where, "AWS::EC2::VPCEndpoint", `Gateway Load Balancer endpoint to ${text(e.ServiceName) ?? "a service"}: the appliance behind it is not analysed; routes to it are read as routes to an appliance`, id);
    t.add("AWS::EC2::VPCEndpoint", AWS_WORKLOAD.vpcEndpoint, id, {
      vpcId: text(e.VpcId),
      serviceName: text(e.ServiceName),
      vpcEndpointType: type,
      subnetIds: arr(e.SubnetIds).filter((s) => typeof s === "string"),
      securityGroupIds: pluck(e.Groups, "GroupId"),
      routeTableIds: arr(e.RouteTableIds).filter((s) => typeof s === "string"),
      tags: awsTags(e.Tags),
    });
  });
};
