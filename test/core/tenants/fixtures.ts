/** A tenant fleet for the tenant planner tests. */
import { parseIntent, type IntentInput } from "../../../core/intent";

export function fleetInput(tenants: number, opts: { pin?: boolean; pool?: string; blockPrefix?: number } = {}): IntentInput {
  return {
    name: "saas",
    addressSpace: "10.0.0.0/16",
    zones: [{ name: "ops" }],
    tenants: {
      pool: opts.pool ?? "10.128.0.0/12",
      blockPrefix: opts.blockPrefix ?? 20,
      availabilityZones: 2,
      zones: [{ name: "web" }, { name: "app" }, { name: "data", sensitive: true }],
      flows: [
        { from: "web", to: "app", ports: ["tcp/8080"] },
        { from: "app", to: "data", ports: ["tcp/5432"] },
      ],
      sharedServices: { addressSpace: "10.64.0.0/20", ports: ["tcp/443", "udp/53"] },
      members: Array.from({ length: tenants }, (_, i) => ({ name: `t${String(i + 1).padStart(3, "0")}`, ...(opts.pin ? { slot: i } : {}) })),
    },
  };
}

export const fleet = (tenants: number, opts?: Parameters<typeof fleetInput>[1]) => parseIntent(fleetInput(tenants, opts));
