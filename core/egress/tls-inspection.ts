/**
 * The network firewall's TLS inspection, as plain data: what EgressProxy accepts (a CA from ACM
 * and the revocation actions) checked before anything is created, and the configuration shaped
 * like `aws.networkfirewall.TlsInspectionConfiguration`'s input. Decryption is scoped to the
 * proxied zones' subnets and the allow-list's TLS ports (see network-firewall.ts for why it
 * matters: without it, the SNI is only the client's claim).
 */
import type { TlsInspectionScopePlan } from "./network-firewall";

export type RevocationAction = "PASS" | "DROP" | "REJECT";
export const REVOCATION_ACTIONS: readonly RevocationAction[] = ["PASS", "DROP", "REJECT"];

/** An ACM certificate ARN, in any partition. */
const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;

export interface TlsInspectionInput {
  /** A string when known; anything else (a Pulumi output) is checked by AWS at deployment. */
  readonly certificateAuthorityArn?: unknown;
  readonly revokedStatusAction?: unknown;
  readonly unknownStatusAction?: unknown;
}

/** Problems with `tlsInspection`, each naming the field, the value, what is expected and the fix. */
export function tlsInspectionProblems(input: unknown, backend: string): string[] {
  if (input === undefined) return [];
  if (backend !== "network-firewall") return [`tlsInspection is set, but the ${backend} backend does not decrypt TLS (Squid matches the CONNECT name); remove tlsInspection, or use backend "network-firewall"`];
  if (input === null || typeof input !== "object" || Array.isArray(input)) return [`tlsInspection ${JSON.stringify(input)} is not an object: give { certificateAuthorityArn: "arn:aws:acm:<region>:<account>:certificate/<id>" }`];
  const t = input as TlsInspectionInput;
  const problems: string[] = [];
  const arn = t.certificateAuthorityArn;
  if (arn === undefined || arn === null || arn === "") problems.push("tlsInspection.certificateAuthorityArn is missing: give the ARN of a CA certificate imported into ACM (arn:aws:acm:<region>:<account>:certificate/<id>), which the proxied workloads trust");
  else if (typeof arn === "string" && !ACM_CERTIFICATE_ARN.test(arn)) problems.push(`tlsInspection.certificateAuthorityArn ${JSON.stringify(arn)} is not an ACM certificate ARN: expected arn:aws:acm:<region>:<account>:certificate/<id>; import the CA into ACM and pass its ARN`);
  else if (typeof arn !== "string" && (typeof arn !== "object" || Array.isArray(arn))) problems.push(`tlsInspection.certificateAuthorityArn ${JSON.stringify(arn)} is not an ARN: pass a string or a Pulumi output of one`);
  for (const key of ["revokedStatusAction", "unknownStatusAction"] as const) {
    const v = t[key];
    if (v !== undefined && !REVOCATION_ACTIONS.includes(v as RevocationAction)) problems.push(`tlsInspection.${key} ${JSON.stringify(v)} is not an action: use one of ${REVOCATION_ACTIONS.join(", ")}`);
  }
  return problems;
}

export interface TlsInspectionConfigurationSpec {
  readonly serverCertificateConfiguration: {
    readonly checkCertificateRevocationStatus: { readonly revokedStatusAction: RevocationAction; readonly unknownStatusAction: RevocationAction };
    readonly scopes: readonly {
      readonly protocols: readonly number[];
      readonly sources: readonly { readonly addressDefinition: string }[];
      readonly destinations: readonly { readonly addressDefinition: string }[];
      readonly sourcePorts: readonly { readonly fromPort: number; readonly toPort: number }[];
      readonly destinationPorts: readonly { readonly fromPort: number; readonly toPort: number }[];
    }[];
  };
}

/** The inspection configuration for a scope (the CA ARN is added by the caller, it may be an output). */
export function planTlsInspection(scope: TlsInspectionScopePlan, actions: { revokedStatusAction?: RevocationAction; unknownStatusAction?: RevocationAction } = {}): TlsInspectionConfigurationSpec {
  return {
    serverCertificateConfiguration: {
      checkCertificateRevocationStatus: { revokedStatusAction: actions.revokedStatusAction ?? "REJECT", unknownStatusAction: actions.unknownStatusAction ?? "PASS" },
      scopes: [
        {
          protocols: [6],
          sources: scope.sources.map((addressDefinition) => ({ addressDefinition })),
          destinations: [{ addressDefinition: "0.0.0.0/0" }],
          sourcePorts: [{ fromPort: 0, toPort: 65535 }],
          destinationPorts: scope.destinationPorts.map((p) => ({ fromPort: p, toPort: p })),
        },
      ],
    },
  };
}
