/** Intents shared by the egress planner tests. */
import { parseIntent, type IntentInput } from "../../../core/intent";

export const shopInput = (): IntentInput => ({
  name: "shop",
  addressSpace: "10.20.0.0/16",
  availabilityZones: 2,
  zones: [
    { name: "edge", internet: "inbound", egress: "nat" },
    { name: "app", egress: "proxy", workloads: [{ name: "api" }, { name: "worker" }] },
    { name: "build", egress: "proxy" },
    { name: "data", sensitive: true },
  ],
  flows: [{ from: "edge", to: "app", ports: ["tcp/8080"] }],
  egress: [
    { from: "app", allow: ["api.stripe.com:443", "*.amazonaws.com:443", "hooks.example.com:8443"] },
    { from: "build", allow: ["registry.npmjs.org:443", "mirror.example.org:80"] },
  ],
});

export const shop = () => parseIntent(shopInput());
