/**
 * netseg's public API. The pure core (intent, addressing, rule planning, reachability) is
 * exported flat; each platform's components under its own namespace, so that names such as a
 * platform's `resolveIntent` helpers never collide:
 *
 *   import { parseIntent, aws, gcp, k8s } from "netseg";
 *   new aws.SegmentedVpc("shop", { intent: "shop.yaml" });
 *
 * The same components are importable per platform: `netseg/aws`, `netseg/gcp`, `netseg/k8s`.
 */
export * from "./core";
export * as aws from "./components/aws";
export * as gcp from "./components/gcp";
export * as k8s from "./components/k8s";
