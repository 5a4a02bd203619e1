/**
 * netseg's public API. The pure core (intent, addressing, rule planning, reachability) is
 * exported flat; each platform's components under its own namespace, so that names such as a
 * platform's `resolveIntent` helpers never collide:
 *
 *   import { parseIntent, aws, gcp, k8s } from "netseg";
 *   new aws.SegmentedVpc("shop", { intent: "shop.yaml" });
 *
 * The same components are importable per platform: `netseg/aws`, `netseg/gcp`, `netseg/k8s`.
 * A platform's namespace loads on first use: each needs its provider package (@pulumi/aws,
 * @pulumi/gcp, @pulumi/kubernetes), all optional peers, so an AWS-only stack need not install
 * the GCP or Kubernetes SDK to import netseg.
 */
import type * as Aws from "./components/aws";
import type * as Gcp from "./components/gcp";
import type * as K8s from "./components/k8s";

export * from "./core";

function onFirstUse<T extends object>(platform: string, provider: string, load: () => T): T {
  let loaded: T | undefined;
  const mod = (): T => {
    if (loaded) return loaded;
    try {
      return (loaded = load());
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code === "MODULE_NOT_FOUND" && e.message?.includes(`'${provider}'`)) {
        throw new Error(`netseg's ${platform} components need ${provider}, which is not installed: run npm install ${provider}`);
      }
      throw err;
    }
  };
  return new Proxy({} as T, {
    get: (_t, p) => Reflect.get(mod(), p),
    has: (_t, p) => Reflect.has(mod(), p),
    ownKeys: () => Reflect.ownKeys(mod()),
    getOwnPropertyDescriptor: (_t, p) => {
      const d = Reflect.getOwnPropertyDescriptor(mod(), p);
      return d ? { ...d, configurable: true } : undefined;
    },
  });
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
export const aws: typeof Aws = onFirstUse("AWS", "@pulumi/aws", () => require("./components/aws"));
export const gcp: typeof Gcp = onFirstUse("GCP", "@pulumi/gcp", () => require("./components/gcp"));
export const k8s: typeof K8s = onFirstUse("Kubernetes", "@pulumi/kubernetes", () => require("./components/k8s"));
/* eslint-enable @typescript-eslint/no-require-imports */
