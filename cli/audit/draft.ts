/**
 * `netseg audit --draft-intent <out.yaml> --from <inventory...>`: read the deployed state, compute
 * its matrix with the peers its routes reveal and its subnets placed in zones (tagged, or guessed by
 * core/audit/zones), and write a first intent (core/audit/draft-intent).
 * The draft is parsed back before it is written, so what lands on disk is an intent netseg reads.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { draftIntent, draftYaml } from "../../core/audit/draft-intent";
import { chooseNetwork, networkPeers } from "../../core/audit/draft-network";
import { guessZones, withGuessedZones } from "../../core/audit/zones";
import { parseIntentText } from "../../core/intent";
import { analyseReachability, compareWithIntent } from "../../core/reachability";
import { PreviewError } from "../preview/errors";
import { readState } from "./run";

export function writeDraftIntent(from: readonly string[], out: string, vpcId?: string): { text: string; summary: string } {
  const read = readState(from);
  const { sources } = read;
  if (vpcId !== undefined && !read.resources.some((r) => r.type === "aws:ec2/vpc:Vpc" && r.id === vpcId)) {
    throw new PreviewError(`--vpc ${vpcId}: no VPC of that id in the inventory; the VPCs read are ${read.resources.filter((r) => r.type === "aws:ec2/vpc:Vpc").map((r) => r.id).join(", ") || "none"}.`);
  }
  // One network (VPC) per intent; its subnets no netseg:zone tag places are placed as ./zones
  // guesses them, and an audit against the draft repeats the same guess.
  const network = chooseNetwork(read.resources, guessZones(read.resources), vpcId);
  const resources = withGuessedZones(read.resources, network.guesses, new Set(network.guesses.map((g) => g.zone)));
  const peers = networkPeers(resources, network);
  const matrix = analyseReachability(resources, { peers: peers.map((p) => ({ name: p.name, cidrs: p.cidrs })) });
  if (matrix.skipped) throw new PreviewError(`The reachability analysis did not run: ${matrix.skipped}; no flows can be drafted.`);
  const name = path.basename(out).replace(/\.(ya?ml|json)$/i, "").replace(/[^a-z0-9-]+/gi, "-").toLowerCase() || "drafted";
  const draft = draftIntent(name, resources, matrix, peers, network);
  if (draft.zones.length === 0) {
    throw new PreviewError(
      `No zone to draft from ${from.join(", ")}: zones are drafted from AWS subnets (their netseg:zone tag, else a tier tag, Name prefix or route table), ` +
        `GCP subnetworks and Kubernetes namespaces marked with netseg's zone labels; none was found${draft.unplaced.length ? ` (networks read: ${draft.unplaced.slice(0, 5).join(", ")}${draft.unplaced.length > 5 ? ", ..." : ""})` : ""}. ` +
        `Label the networks with their zone (netseg-zone on GCP), or give the AWS describe-subnets and describe-route-tables outputs too.`,
    );
  }
  const parse = (text: string) => {
    try {
      return parseIntentText(text, out);
    } catch (err) {
      throw new PreviewError(`The drafted intent does not parse (${err instanceof Error ? err.message : String(err)}); this is a fault of netseg audit, please report it.`);
    }
  };
  const source = from.join(", ");
  // Held against the state it came from, the draft's remaining findings go into its header.
  const check = compareWithIntent(matrix, parse(draftYaml(draft, source)));
  const findings = [...check.unintended, ...check.latent, ...check.accidentalDenies, ...check.internetToSensitive, ...check.uncertain].map((f) => f.message);
  const text = draftYaml(draft, source, findings);
  parse(text);
  fs.writeFileSync(out, text);
  const wide = draft.flows.reduce((n, f) => n + f.warnings.length, 0);
  const left = findings.length ? `, ${findings.length} findings left in its header` : "";
  const skipped = sources.reduce((n, s) => n + s.skipped.length, 0);
  return {
    text,
    summary: `Drafted ${out}: ${draft.zones.length} zones, ${draft.peers.length} peers, ${draft.flows.length} flows (${wide} marked TOO WIDE)${left}${draft.unplaced.length ? `, ${draft.unplaced.length} networks not placed in a zone` : ""}${skipped ? `, ${skipped} records not analysed` : ""}. Review it, then: netseg audit ${out} --from ${from.join(" --from ")}`,
  };
}
