/**
 * netseg's intent-conformance policy pack. Constructing the PolicyPack starts the analyzer's gRPC server, so this
 * file does nothing else and nothing imports it; the rules live in ../rules/. Before it, the
 * server is made to decode each resource once per call for all the pack's policies
 * (../rules/decode-once.ts).
 */
import { PolicyPack } from "@pulumi/policy";
import { decodeEachResourceOnce } from "../rules/decode-once";
import { conformanceRules } from "../rules/conformance";

decodeEachResourceOnce();
new PolicyPack("netseg-conformance", { policies: conformanceRules });
