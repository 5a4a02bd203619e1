/** A VPC stand-in for EgressProxy tests: route tables and groups as plain ids, by key. */
import { planAddresses } from "../../../core/addressing";
import { parseIntent, type Intent, type IntentInput } from "../../../core/intent";
import type { EgressNetwork } from "../../../components/aws/egress";

export const egressInput = (): IntentInput => ({
    name: "pay",
    addressSpace: "10.30.0.0/16",
    availabilityZones: 2,
    zones: [
      { name: "edge", internet: "inbound", egress: "nat" },
      { name: "app", egress: "proxy" },
      { name: "batch", egress: "proxy" },
      { name: "data", sensitive: true },
    ],
    flows: [{ from: "edge", to: "app", ports: ["tcp/8080"] }],
    egress: [
      { from: "app", allow: ["api.stripe.com:443"] },
      { from: "batch", allow: ["registry.npmjs.org:443", "mirror.example.org:80"] },
    ],
  });

export const egressIntent = (): Intent => parseIntent(egressInput());

export function fakeNetwork(intent: Intent): EgressNetwork {
  const plan = planAddresses(intent);
  return {
    vpcId: "vpc-0fake",
    routeTableIds: Object.fromEntries(plan.subnets.map((s) => [s.key, `rtb-${s.key}`])),
    securityGroupIds: Object.fromEntries(intent.zones.map((z) => [z.name, `sg-${z.name}`])),
    internetGatewayId: "igw-0fake",
  };
}
