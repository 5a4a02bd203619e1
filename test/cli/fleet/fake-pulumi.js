/**
 * A stand-in for the Pulumi CLI, for tests of `netseg fleet run` through the real Automation API
 * (the CLI cannot be installed here). It logs every command line to $FAKE_PULUMI_LOG and answers
 * what the Automation API asks: `version` ($FAKE_PULUMI_VERSION, default 3.200.0), `stack select`, `config
 * set`, `preview`, `up` and `refresh` (policy violations and resource changes per stack from
 * $FAKE_PULUMI_SCENARIO; `--expect-no-changes` fails on any change but `same`, as the engine does),
 * `stack history --json` and `stack output --json` after an `up`. A stack whose scenario says
 * `hold` stays in its operation until SIGINT (what the Automation API sends to cancel; a minute
 * at most), logs `["SIGINT", stack]` and ends as the CLI ends a cancelled update.
 * Engine events go where the Automation API asks for them, as the CLI sends them: up to 3.205 it
 * gives `--event-log <file>` (one JSON EngineEvent per line), above it `--event-log tcp://host:port`,
 * its Events gRPC service (pulumirpc.Events/StreamEvents, each event's JSON in an EventRequest).
 */
const fs = require("node:fs");

const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_PULUMI_LOG, JSON.stringify(args) + "\n");
const value = (flag) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
if (args[0] === "version") {
  process.stdout.write(`v${process.env.FAKE_PULUMI_VERSION ?? "3.200.0"}\n`);
  process.exit(0);
}
if (args[0] === "stack" && args[1] === "history") {
  const now = new Date().toISOString();
  process.stdout.write(JSON.stringify([{ kind: "update", startTime: now, message: "", environment: {}, config: {}, result: "succeeded", endTime: now, resourceChanges: { create: 3 } }]));
  process.exit(0);
}
if (args[0] === "stack" && args[1] === "output") {
  process.stdout.write("{}");
  process.exit(0);
}
const operation = ["preview", "up", "refresh"].find((op) => args[0] === op);
if (!operation) process.exit(0);

const stack = value("--stack");
const scenario = JSON.parse(fs.readFileSync(process.env.FAKE_PULUMI_SCENARIO, "utf8"))[stack] ?? {};
let sequence = 0;
const event = (body) => JSON.stringify({ sequence: sequence++, timestamp: Math.floor(Date.now() / 1000), ...body });
const lines = [event({ preludeEvent: { config: {} } })];
for (const v of scenario.violations ?? []) {
  lines.push(
    event({
      policyEvent: {
        resourceUrn: `urn:pulumi:${stack}::fleet::${v.type}::${v.name}`,
        message: v.message,
        color: "never",
        policyName: v.policy,
        policyPackName: v.pack,
        policyPackVersion: "0.1.0",
        policyPackVersionTag: "0.1.0",
        enforcementLevel: v.level,
      },
    }),
  );
}
const changes = scenario.changes ?? { create: 3 };
lines.push(event({ summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: changes, policyPacks: {} } }));
deliver(value("--event-log"), lines).then(scenario.hold ? hold : finish, (err) => {
  process.stderr.write(`fake pulumi: the events could not be sent: ${err}\n`);
  process.exit(4);
});

/** The events to the file, or over the Automation API's Events service. */
async function deliver(target, events) {
  if (!target.startsWith("tcp://")) return fs.appendFileSync(target, events.join("\n") + "\n");
  const sdk = require("node:path").dirname(require.resolve("@pulumi/pulumi/package.json"));
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdk] }));
  const { EventsClient } = require("@pulumi/pulumi/proto/events_grpc_pb");
  const { EventRequest } = require("@pulumi/pulumi/proto/events_pb");
  const client = new EventsClient(target.slice("tcp://".length), grpc.credentials.createInsecure());
  await new Promise((resolve, reject) => {
    const call = client.streamEvents((err) => (err ? reject(err) : resolve()));
    for (const e of events) call.write(new EventRequest().setEvent(e));
    call.end();
  });
  client.close();
}

function hold() {
  process.on("SIGINT", () => {
    fs.appendFileSync(process.env.FAKE_PULUMI_LOG, JSON.stringify(["SIGINT", stack]) + "\n");
    process.stderr.write(`error: ${operation} canceled\n`);
    process.exit(255);
  });
  fs.appendFileSync(process.env.FAKE_PULUMI_LOG, JSON.stringify(["holding", stack]) + "\n");
  // Never left behind by a failed test: gone after a minute whatever happens.
  require("node:timers").setTimeout(() => process.exit(3), 60_000);
}

/** The operation's output and exit: a mandatory violation fails it, as the engine does. */
function finish() {
  const title = operation === "preview" ? "Previewing update" : "Updating";
  process.stdout.write(`${title} (${stack})\n`);
  for (const v of scenario.violations ?? []) process.stdout.write(`    ${v.level}: [${v.policy}]  ${v.message}\n`);
  process.stdout.write("Resources:\n    + 3 to create");
  const mandatory = (scenario.violations ?? []).some((v) => v.level === "mandatory");
  if (mandatory) {
    process.stderr.write(`error: ${operation} failed\n`);
    process.exit(255);
  }
  if (args.includes("--expect-no-changes") && Object.entries(changes).some(([k, n]) => k !== "same" && n > 0)) {
    process.stderr.write("error: no changes were expected but changes were proposed\n");
    process.exit(255);
  }
  process.exit(0);
}
