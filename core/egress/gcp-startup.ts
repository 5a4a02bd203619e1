/**
 * Startup script of a GCP proxy instance (instance metadata `startup-script`): Squid with the
 * generated configuration, and Google's Ops Agent shipping Squid's access and cache logs to
 * Cloud Logging. Pure text, reviewed and tested like the AWS user data.
 *
 * Written for Debian 12 (the default image): `squid` from the distribution, the Ops Agent from
 * Google's repository script. The configuration is checked with `squid -k parse` before the
 * service restarts, so a bad config fails the load balancer's health check instead of running
 * a proxy with unknown rules. The script runs at every boot, so it is idempotent.
 */
import { SQUID_ACCESS_LOG, SQUID_CACHE_LOG } from "./squid";
import { heredoc } from "./user-data";

export const OPS_AGENT_CONFIG_PATH = "/etc/google-cloud-ops-agent/config.yaml";

/** Ops Agent configuration (YAML, written as JSON, which YAML accepts): Squid's logs only. */
export function opsAgentConfig(): object {
  return {
    logging: {
      receivers: { squid: { type: "files", include_paths: [SQUID_ACCESS_LOG, SQUID_CACHE_LOG] } },
      service: { pipelines: { squid: { receivers: ["squid"] } } },
    },
  };
}

export function renderGcpProxyStartupScript(squidConfig: string): string {
  return [
    "#!/bin/bash",
    "# netseg egress proxy instance: Squid from the intent's allow-list, logs to Cloud Logging.",
    "set -euo pipefail",
    "export DEBIAN_FRONTEND=noninteractive",
    "if ! command -v squid >/dev/null; then apt-get update && apt-get install -y squid; fi",
    "if ! systemctl list-unit-files google-cloud-ops-agent.service >/dev/null 2>&1; then",
    "  curl -sSfo /tmp/add-ops-agent-repo.sh https://dl.google.com/cloudagents/add-google-cloud-ops-agent-repo.sh",
    "  bash /tmp/add-ops-agent-repo.sh --also-install",
    "fi",
    ...heredoc("/etc/squid/squid.conf", "NETSEG_SQUID_CONF", squidConfig),
    ...heredoc(OPS_AGENT_CONFIG_PATH, "NETSEG_OPS_AGENT_CONF", JSON.stringify(opsAgentConfig(), null, 2)),
    "install -d -o proxy -g proxy -m 0750 /var/log/squid",
    "squid -k parse",
    "systemctl enable squid",
    "systemctl restart squid google-cloud-ops-agent",
    "",
  ].join("\n");
}
