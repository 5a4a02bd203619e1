/**
 * A minimal Pulumi Engine gRPC service, at the address a policy pack is started with (the first
 * argument of `run-policy-pack`, as the CLI passes its own engine). Packs may log through it;
 * we keep the messages for the report. Root-resource calls answer like an engine with no root.
 */
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";

export interface EngineLog {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn?: string;
}

export interface EngineServer {
  address: string;
  logs: EngineLog[];
  close(): Promise<void>;
}

/** The gRPC and proto modules from the @pulumi/pulumi copy the packs use, so message classes match. */
export function pulumiGrpc(): {
  grpc: typeof grpcTypes;
  pulumiDir: string;
} {
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's own grpc copy (not a direct dependency)
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as typeof grpcTypes;
  return { grpc, pulumiDir };
}

/**
 * A module @pulumi/pulumi itself depends on (google-protobuf), loaded from where the SDK loads
 * it: netseg does not depend on it directly, and the SDK's generated messages need that copy.
 */
export function fromPulumi<T = any>(spec: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at run time, next to the SDK
  return require(require.resolve(spec, { paths: [pulumiGrpc().pulumiDir] })) as T;
}

const SEVERITY: EngineLog["severity"][] = ["debug", "info", "warning", "error"];

export async function startEngineServer(): Promise<EngineServer> {
  const { grpc } = pulumiGrpc();
  /* eslint-disable @typescript-eslint/no-require-imports -- generated protobuf modules are CommonJS */
  const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
  const engineProto = require("@pulumi/pulumi/proto/engine_pb");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const emptyProto = fromPulumi("google-protobuf/google/protobuf/empty_pb");
  const logs: EngineLog[] = [];
  const server = new grpc.Server();
  server.addService(engineRpc.EngineService, {
    log: (call: any, cb: any) => {
      const req = call.request;
      logs.push({ severity: SEVERITY[req.getSeverity()] ?? "info", message: req.getMessage(), urn: req.getUrn() || undefined });
      cb(null, new emptyProto.Empty());
    },
    getRootResource: (_call: any, cb: any) => cb(null, new engineProto.GetRootResourceResponse()),
    setRootResource: (_call: any, cb: any) => cb(null, new engineProto.SetRootResourceResponse()),
    startDebugging: (_call: any, cb: any) => cb(null, new emptyProto.Empty()),
    requirePulumiVersion: (_call: any, cb: any) => cb(null, new engineProto.RequirePulumiVersionResponse()),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    address: `127.0.0.1:${port}`,
    logs,
    // A graceful shutdown waits for calls in flight; a pack stuck in one must not hold the preview open.
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
