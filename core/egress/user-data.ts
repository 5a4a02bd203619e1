/**
 * Boot script of a proxy-fleet instance: installs Squid with the generated configuration and
 * the CloudWatch agent shipping Squid's access log. Pure text so that it is reviewed and tested
 * like the configuration itself; the component only fills in the log group name.
 *
 * Written for Amazon Linux 2023 (dnf has both `squid` and `amazon-cloudwatch-agent`). The
 * configuration is checked with `squid -k parse` before the service starts, so a bad config
 * fails the instance's health check instead of running a proxy with unknown rules.
 */
import { SQUID_ACCESS_LOG, SQUID_CACHE_LOG } from "./squid";

export const CLOUDWATCH_AGENT_CONFIG_PATH = "/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json";

/** CloudWatch agent configuration: access and cache logs, one stream per instance. */
export function cloudWatchAgentConfig(logGroupName: string): object {
  return {
    agent: { run_as_user: "cwagent" },
    logs: {
      logs_collected: {
        files: {
          collect_list: [
            { file_path: SQUID_ACCESS_LOG, log_group_name: logGroupName, log_stream_name: "{instance_id}/access", timezone: "UTC" },
            { file_path: SQUID_CACHE_LOG, log_group_name: logGroupName, log_stream_name: "{instance_id}/cache", timezone: "UTC" },
          ],
        },
      },
    },
  };
}

/** A here-document writing `body` to `path`; refuses a body containing its marker line. */
export function heredoc(path: string, marker: string, body: string): string[] {
  if (body.split("\n").includes(marker)) throw new Error(`internal: the here-document marker ${marker} occurs in the content of ${path}`);
  return [`cat > ${path} <<'${marker}'`, body.replace(/\n$/, ""), marker];
}

export function renderProxyUserData(squidConfig: string, logGroupName: string): string {
  return [
    "#!/bin/bash",
    "# netseg egress proxy instance: Squid from the intent's allow-list, access logs to CloudWatch.",
    "set -euo pipefail",
    "dnf install -y squid amazon-cloudwatch-agent",
    ...heredoc("/etc/squid/squid.conf", "NETSEG_SQUID_CONF", squidConfig),
    ...heredoc(CLOUDWATCH_AGENT_CONFIG_PATH, "NETSEG_CWAGENT_CONF", JSON.stringify(cloudWatchAgentConfig(logGroupName), null, 2)),
    "install -d -o squid -g squid -m 0750 /var/log/squid",
    "usermod -a -G squid cwagent",
    "squid -k parse",
    "systemctl enable --now squid",
    `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${CLOUDWATCH_AGENT_CONFIG_PATH}`,
    "",
  ].join("\n");
}
