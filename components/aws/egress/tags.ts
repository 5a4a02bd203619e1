/** Tags of the egress path's own resources: netseg's marks plus the resource's role. */
import { MANAGED_BY, TAG } from "../../../core/tags";

export function egressTags(intent: string, role: string, display: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...extra, [TAG.aws.managedBy]: MANAGED_BY, [TAG.aws.intent]: intent, [TAG.aws.role]: role, Name: display };
}
