/**
 * The component provider's entry point: serves netseg's components over Pulumi's provider
 * protocol. Launched by the Pulumi CLI (PulumiPlugin.yaml) with the engine's address as argument;
 * prints the port it listens on, as the protocol requires.
 */
import * as pulumi from "@pulumi/pulumi";
import { NetsegProvider } from "./provider";
import { version } from "../package.json";

void pulumi.provider.main(new NetsegProvider(version), process.argv.slice(2));
