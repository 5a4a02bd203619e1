/**
 * netseg's GCP policy pack. Constructing the PolicyPack starts the analyzer's gRPC server, so this
 * file does nothing else and nothing imports it; the rules live in ../rules/.
 */
import { PolicyPack } from "@pulumi/policy";
import { gcpRules } from "../rules/gcp";

new PolicyPack("netseg-gcp", { policies: gcpRules });
