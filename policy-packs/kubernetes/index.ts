/**
 * netseg's Kubernetes policy pack. Constructing the PolicyPack starts the analyzer's gRPC server, so this
 * file does nothing else and nothing imports it; the rules live in ../rules/.
 */
import { PolicyPack } from "@pulumi/policy";
import { kubernetesRules } from "../rules/kubernetes";

new PolicyPack("netseg-kubernetes", { policies: kubernetesRules });
