/**
 * Six tenants built by `await TenantVpcs.create(...)`, two registering at a time. With `refuse`
 * set, the monitor answers that resource's registration with an error, as an engine refusing it
 * would (a test stand-in: a real program never touches the monitor).
 */
import * as pulumi from "@pulumi/pulumi";
import { TenantVpcs } from "../../../../components/aws/tenants";
import { parseIntent } from "../../../../core/intent";
import { fleetInput } from "../../../core/tenants/fixtures";

const refuse = new pulumi.Config().get("refuse");
if (refuse) {
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: { getName(): string }, cb: (err: unknown, resp: unknown) => void) => void };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => (req.getName() === refuse ? cb(new Error(`refused by the engine: ${refuse}`), undefined) : original(req, cb));
}

export = async () => {
  const fleet = await TenantVpcs.create("fx", { intent: parseIntent(fleetInput(6, { pin: true })), availabilityZoneNames: ["us-east-1a", "us-east-1b"] }, undefined, { tenantsInFlight: 2 });
  return { tenantVpcIds: fleet.vpcIds };
};
