/**
 * Registering a fleet a few tenants at a time (`TenantVpcs.create`, `TenantFleetShard.create`).
 *
 * Why: a constructor runs synchronously, so every resource of every tenant is pending at once,
 * and the SDK holds about 70 KB per pending resource (an Output with its promises and resolvers
 * per output property) until the engine answers. 200 tenants are ~11,800 resources: 1.7 GB.
 * `create` builds the same component, then adds tenants while at most `tenantsInFlight` of them
 * have registrations outstanding, so the SDK's pending state stays bounded by that window.
 *
 * What it costs: nothing changes in what is registered (same names, parents, inputs and
 * outputs; the component's outputs are registered once every tenant is in). A tenant's slot
 * frees when the engine has answered for all its resources: at preview that is immediate, under
 * `pulumi up` it is when they are created, so a larger window deploys a new fleet faster.
 */
import * as pulumi from "@pulumi/pulumi";

export interface TenantRegistration {
  /** Tenants whose resources may be registering at once (default DEFAULT_TENANTS_IN_FLIGHT). */
  readonly tenantsInFlight?: number;
}

/**
 * Under mocks a window of 1 is leanest (the mock answers at once, so a window buys no
 * parallelism); under `pulumi up` the window is how many tenants deploy in parallel. 10 keeps a
 * 200-tenant program at 0.8 GB (bench/RESULTS-tenants.md, the window sweep).
 */
export const DEFAULT_TENANTS_IN_FLIGHT = 10;

/** One fleet component's construction, split so that tenants can be added one at a time. */
export interface TenantSteps {
  readonly tenants: readonly string[];
  /** Creates one tenant's resources, every one of them below a resource created with `opts`. */
  add(tenant: string, opts?: Pick<pulumi.ResourceOptions, "transformations">): void;
  /** Creates what needs every tenant; returns the component's outputs. */
  finish(): pulumi.Inputs;
}

interface Handover {
  steps: TenantSteps;
  resolve(outputs: pulumi.Inputs): void;
  reject(err: unknown): void;
}

/** Set by `createInSteps` for exactly the duration of one constructor call. */
let waiting: ((handover: Handover) => void) | undefined;

/**
 * Called by a fleet constructor with its steps; returns what it passes to `registerOutputs`.
 * Constructed with `new`: every tenant now, in order. Constructed by `createInSteps`: nothing
 * yet; the outputs are a promise that `createInSteps` settles (the SDK keeps the program alive
 * until it does, as for any pending output registration).
 */
export function buildTenants(steps: TenantSteps): pulumi.Inputs | Promise<pulumi.Inputs> {
  const hand = waiting;
  waiting = undefined;
  if (!hand) {
    for (const tenant of steps.tenants) steps.add(tenant);
    return steps.finish();
  }
  return new Promise<pulumi.Inputs>((resolve, reject) => hand({ steps, resolve, reject }));
}

function windowOf(kind: string, name: string, registration: TenantRegistration | undefined): number {
  const n: unknown = registration?.tenantsInFlight ?? DEFAULT_TENANTS_IN_FLIGHT;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new Error(`${kind}.create ${name}: registration.tenantsInFlight ${JSON.stringify(n)} is not a whole number from 1; set how many tenants may register at once (default ${DEFAULT_TENANTS_IN_FLIGHT}), or leave it out`);
  }
  return n;
}

/** The promise of a resource's URN: it resolves (or rejects) when the engine has answered its registration. */
function answered(res: pulumi.Resource): Promise<unknown> {
  // `promise()` is on every Output the SDK makes (it serialises outputs through it) but not on its
  // typed surface; `apply` would never run for a failed registration and the window would hang.
  return (res.urn as unknown as { promise(): Promise<unknown> }).promise();
}

/** Adds one tenant and resolves once the engine has answered for every resource it created. */
function addTenant(steps: TenantSteps, tenant: string): Promise<unknown> {
  const created: pulumi.Resource[] = [];
  // Inherited by every descendant, and run in each one's constructor, so the list is complete
  // when `add` returns. It changes nothing in what is registered.
  const collect: pulumi.ResourceTransformation = ({ resource }) => {
    created.push(resource);
    return undefined;
  };
  steps.add(tenant, { transformations: [collect] });
  return Promise.all(created.map(answered));
}

/**
 * Constructs a fleet component with `construct`, then adds its tenants with at most
 * `tenantsInFlight` registering at once, then finishes it. Rejects (and fails the component's
 * output registration, so the program fails too) if a tenant cannot be created or registered.
 */
export async function createInSteps<C extends pulumi.ComponentResource>(kind: string, name: string, registration: TenantRegistration | undefined, construct: () => C): Promise<C> {
  const window = windowOf(kind, name, registration);
  let handover: Handover | undefined;
  waiting = (h) => (handover = h);
  let component: C;
  try {
    component = construct();
  } finally {
    waiting = undefined;
  }
  if (!handover) throw new Error(`internal: ${kind} ${name} was constructed without handing over its tenants`);
  const { steps, resolve, reject } = handover;
  try {
    const inFlight = new Set<Promise<unknown>>();
    for (const tenant of steps.tenants) {
      if (inFlight.size >= window) await Promise.race(inFlight);
      const done: Promise<unknown> = addTenant(steps, tenant).then(() => inFlight.delete(done));
      // Seen by the race or the final wait; a second failure while the first is handled is not news.
      done.catch(() => undefined);
      inFlight.add(done);
    }
    await Promise.all(inFlight);
    resolve(steps.finish());
  } catch (err) {
    reject(err);
    throw err;
  }
  return component;
}
