import { PERMISSIONS_GUARDRAILS } from '../../identity/private/permissions-guardrails';
import { GUARDRAIL_IDENTIFIER_KEY, INVOKE_MODEL, INVOKE_MODEL_STREAM } from '../../models/model-grants';
import { AgentTagKeys } from '../../shared/tag-keys';
import { AgentRevocation } from '../agent-revocation';

/** Organizations' limit on an SCP or RCP document (characters, whitespace included). */
export const ORGANIZATION_POLICY_MAX_CHARS = 5_120;

/** The request comes from a principal tagged `ai:agent` (a role session of an agent role). */
const AGENT_PRINCIPAL = `aws:PrincipalTag/${AgentTagKeys.AGENT}`;
const PRINCIPAL_TENANT = `aws:PrincipalTag/${AgentTagKeys.TENANT}`;
const RESOURCE_TENANT = `aws:ResourceTag/${AgentTagKeys.TENANT}`;

/** Data services whose resources carry `ai:tenant` and that resource control policies cover. */
export const TENANT_FENCED_SERVICES: readonly string[] = ['s3', 'dynamodb', 'secretsmanager', 'kms', 'sqs'];

type Statement = Record<string, unknown>;

function rail(sid: string): string[] {
  const found = PERMISSIONS_GUARDRAILS.find((r) => r.sid === sid);
  if (!found) throw new Error(`permissions guardrail ${sid} is missing`);
  return [...found.actions];
}

/** What the organization's policies enforce beyond the fixed rules. */
export interface OrganizationPolicyOptions {
  /** Require a guardrail on every model invocation by an agent. */
  readonly requireGuardrail: boolean;
  /** When set, the guardrail must match one of these `bedrock:GuardrailIdentifier` patterns. */
  readonly allowedGuardrails?: readonly string[];
}

/**
 * The service control policy: denies, for every principal tagged `ai:agent` in every account it is
 * attached to, what the library's permissions guardrails deny on its own agents. It holds whatever the agent's
 * own policies allow (also `AdministratorAccess`), because an SCP bounds every identity in the account.
 */
export function agentServiceControlPolicy(options: OrganizationPolicyOptions): Record<string, unknown> {
  const isAgent = { Null: { [AGENT_PRINCIPAL]: 'false' } };
  const statements: Statement[] = [
    {
      Sid: 'DenyAgentIamWrites',
      Effect: 'Deny',
      Action: rail('DenyIamWrites'),
      Resource: '*',
      Condition: isAgent,
    },
    {
      Sid: 'DenyAgentAuditTampering',
      Effect: 'Deny',
      Action: rail('DenyAuditTampering'),
      Resource: '*',
      Condition: isAgent,
    },
    {
      // Bedrock API keys: a short-term key is a bearer token minted from the agent's session, a
      // long-term key is a service-specific credential (iam:CreateServiceSpecificCredential, also
      // denied above with every IAM write). Either way the call is authorized as CallWithBearerToken.
      Sid: 'DenyAgentBedrockApiKeys',
      Effect: 'Deny',
      Action: ['bedrock:CallWithBearerToken'],
      Resource: '*',
      Condition: isAgent,
    },
    {
      Sid: 'DenyRevokedAgents',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { Null: { [`aws:PrincipalTag/${AgentRevocation.REVOKED_TAG}`]: 'false' } },
    },
  ];
  if (options.requireGuardrail) {
    const invoke = [INVOKE_MODEL, INVOKE_MODEL_STREAM];
    statements.push({
      Sid: 'DenyAgentModelCallsWithoutGuardrail',
      Effect: 'Deny',
      Action: invoke,
      Resource: '*',
      Condition: { Null: { [AGENT_PRINCIPAL]: 'false', [GUARDRAIL_IDENTIFIER_KEY]: 'true' } },
    });
    if (options.allowedGuardrails && options.allowedGuardrails.length > 0) {
      statements.push({
        Sid: 'DenyAgentModelCallsWithOtherGuardrails',
        Effect: 'Deny',
        Action: invoke,
        Resource: '*',
        Condition: {
          Null: { [AGENT_PRINCIPAL]: 'false', [GUARDRAIL_IDENTIFIER_KEY]: 'false' },
          StringNotLike: { [GUARDRAIL_IDENTIFIER_KEY]: [...options.allowedGuardrails] },
        },
      });
    }
  }
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * The resource control policy: on the data services, a resource tagged with one tenant refuses
 * agents of another tenant, and refuses platform agents (no `ai:tenant`) altogether — whatever
 * the resource policy or the agent's own policies say, in every account it is attached to.
 */
export function agentResourceControlPolicy(): Record<string, unknown> {
  const actions = TENANT_FENCED_SERVICES.map((s) => `${s}:*`);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyAgentsOfAnotherTenant',
        Effect: 'Deny',
        Principal: '*',
        Action: actions,
        Resource: '*',
        Condition: {
          Null: { [AGENT_PRINCIPAL]: 'false', [PRINCIPAL_TENANT]: 'false', [RESOURCE_TENANT]: 'false' },
          StringNotEquals: { [RESOURCE_TENANT]: `\${${PRINCIPAL_TENANT}}` },
        },
      },
      {
        Sid: 'DenyPlatformAgentsOnTenantData',
        Effect: 'Deny',
        Principal: '*',
        Action: actions,
        Resource: '*',
        Condition: {
          Null: { [AGENT_PRINCIPAL]: 'false', [PRINCIPAL_TENANT]: 'true', [RESOURCE_TENANT]: 'false' },
        },
      },
    ],
  };
}

/** The size Organizations counts: the document as CloudFormation passes it (compact JSON). */
export function organizationPolicySize(document: Record<string, unknown>): number {
  return JSON.stringify(document).length;
}
