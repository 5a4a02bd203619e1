/**
 * `netseg audit --draft-intent <out.yaml> --from <inventory...>`: read the deployed state, compute
 * its matrix with the peers its routes reveal and its subnets placed in zones (tagged, or guessed by
 * core/audit/zones), and write a first intent (core/audit/draft-intent).
 * The draft is parsed back before it is written, so what lands on disk is an intent netseg reads.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { draftAddressSpace, draftIntent, draftPeers, draftYaml, outsidePeers } from "../../core/audit/draft-intent";
import { guessZones, withGuessedZones } from "../../core/audit/zones";
import { parseIntentText } from "../../core/intent";
import { analyseReachability } from "../../core/reachability";
import { PreviewError } from "../preview/errors";
import { readState } from "./run";

export function writeDraftIntent(from: readonly string[], out: string): { text: string; summary: string } {
  const read = readState(from);
  const { sources } = read;
  // Subnets no netseg:zone tag places are placed as ./zones guesses; audit repeats the same guess.
  const guesses = guessZones(read.resources);
  const resources = withGuessedZones(read.resources, guesses, new Set(guesses.map((g) => g.zone)));
  const peers = outsidePeers(draftPeers(resources), draftAddressSpace(resources).addressSpace);
  const matrix = analyseReachability(resources, { peers: peers.map((p) => ({ name: p.name, cidrs: p.cidrs })) });
  if (matrix.skipped) throw new PreviewError(`The reachability analysis did not run: ${matrix.skipped}; no flows can be drafted.`);
  const name = path.basename(out).replace(/\.(ya?ml|json)$/i, "").replace(/[^a-z0-9-]+/gi, "-").toLowerCase() || "drafted";
  const draft = draftIntent(name, resources, matrix, peers, guesses);
  const text = draftYaml(draft, from.join(", "));
  try {
    parseIntentText(text, out);
  } catch (err) {
    throw new PreviewError(`The drafted intent does not parse (${err instanceof Error ? err.message : String(err)}); this is a fault of netseg audit, please report it.`);
  }
  fs.writeFileSync(out, text);
  const wide = draft.flows.reduce((n, f) => n + f.warnings.length, 0);
  const skipped = sources.reduce((n, s) => n + s.skipped.length, 0);
  return {
    text,
    summary: `Drafted ${out}: ${draft.zones.length} zones, ${draft.peers.length} peers, ${draft.flows.length} flows (${wide} marked TOO WIDE)${draft.unplaced.length ? `, ${draft.unplaced.length} networks not placed in a zone` : ""}${skipped ? `, ${skipped} records not analysed` : ""}. Review it, then: netseg audit ${out} --from ${from.join(" --from ")}`,
  };
}
