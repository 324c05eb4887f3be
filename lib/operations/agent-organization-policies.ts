import { Token } from 'aws-cdk-lib';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { failAt, show } from '../shared/errors';
import {
  agentResourceControlPolicy,
  agentServiceControlPolicy,
  ORGANIZATION_POLICY_MAX_CHARS,
  organizationPolicySize,
} from './private/organization-policies';

/** Which guardrail the organization requires on agents' model invocations. */
export class OrganizationModelGuardrail {
  /** Every model invocation by an agent must name some Bedrock guardrail (`bedrock:GuardrailIdentifier` present). */
  public static any(): OrganizationModelGuardrail {
    return new OrganizationModelGuardrail([]);
  }

  /**
   * Every model invocation by an agent must name a guardrail matching one of these
   * `bedrock:GuardrailIdentifier` patterns (`<guardrail ARN>:<version>`; `*` and `?` allowed, e.g.
   * `arn:aws:bedrock:*:111111111111:guardrail/abc123:*`).
   */
  public static oneOf(identifiers: string[]): OrganizationModelGuardrail {
    return new OrganizationModelGuardrail([...identifiers]);
  }

  private constructor(
    /** The allowed identifier patterns; empty means any guardrail. */
    public readonly identifiers: string[],
  ) {}
}

/** Properties of `AgentOrganizationPolicies`. */
export interface AgentOrganizationPoliciesProps {
  /**
   * Where both policies are attached: the organization root (`r-...`), organizational units
   * (`ou-...-...`) or accounts (12 digits). Attaching to the root covers every member account.
   */
  readonly targetIds: string[];
  /**
   * Prefix of the two policies' names (`<prefix>-scp`, `<prefix>-rcp`).
   * @default 'agent-guard-rails'
   */
  readonly policyNamePrefix?: string;
  /**
   * Require a guardrail on every model invocation (InvokeModel, InvokeModelWithResponseStream; Converse
   * and ConverseStream are authorized by the same actions) by an agent.
   * @default - not required by the organization (agents built with the library may still pin one)
   */
  readonly modelGuardrail?: OrganizationModelGuardrail;
  /**
   * Also create the resource control policy (tenant fence on S3, DynamoDB, Secrets Manager, KMS and
   * SQS). Turn off only where the organization has not enabled RCPs yet.
   * @default true
   */
  readonly resourceControlPolicy?: boolean;
}

/**
 * The library's most important rules as organization policies, for every role tagged `ai:agent`
 * in every account they are attached to — also roles built without the library:
 *
 * - a service control policy: no IAM writes (no role, policy, boundary, tag or credential change,
 *   no PassRole), no audit tampering (CloudTrail, log groups, alarms, model invocation logging,
 *   Bedrock guardrails), no Bedrock API keys (`bedrock:CallWithBearerToken`), nothing at all for
 *   a revoked agent (role tag `ai:revoked`), and optionally no model invocation without a guardrail;
 * - a resource control policy: a data resource tagged with one tenant (`ai:tenant`) refuses agents
 *   of another tenant and platform agents.
 *
 * Deploy it in the organization's management account (or a delegated administrator for policy
 * management) with SCPs and RCPs enabled. SCPs and RCPs do not apply to the management account
 * itself nor to service-linked roles. Each document is checked against Organizations' 5,120-character
 * limit at synth.
 */
export class AgentOrganizationPolicies extends Construct {
  /** Maximum characters of one SCP or RCP document. */
  public static readonly MAX_POLICY_CHARS = ORGANIZATION_POLICY_MAX_CHARS;

  /** The service control policy. */
  public readonly serviceControlPolicy: organizations.CfnPolicy;
  /** The resource control policy; undefined when `resourceControlPolicy: false`. */
  public readonly resourceControlPolicy?: organizations.CfnPolicy;

  constructor(scope: Construct, id: string, props: AgentOrganizationPoliciesProps) {
    super(scope, id);
    const targetIds = validateTargets(this, props?.targetIds);
    const prefix = props.policyNamePrefix ?? 'agent-guard-rails';
    if (!Token.isUnresolved(prefix) && !/^[\x20-\x7e]{1,124}$/.test(prefix)) {
      failAt(this, `policyNamePrefix ${show(prefix)} must be 1-124 printable ASCII characters`);
    }
    const guardrail = props.modelGuardrail;
    for (const identifier of guardrail?.identifiers ?? []) {
      if (
        typeof identifier !== 'string' ||
        (!Token.isUnresolved(identifier) && !/^arn:[^:]+:bedrock:/.test(identifier))
      ) {
        failAt(
          this,
          `modelGuardrail identifier ${show(identifier)} is not a Bedrock guardrail ARN pattern; use '<guardrail ARN>:<version>' (wildcards allowed)`,
        );
      }
    }

    this.serviceControlPolicy = this.policy(
      'ServiceControlPolicy',
      `${prefix}-scp`,
      'SERVICE_CONTROL_POLICY',
      agentServiceControlPolicy({
        requireGuardrail: guardrail !== undefined,
        allowedGuardrails: guardrail?.identifiers,
      }),
      'cdk-agent-identity: what no role tagged ai:agent may do in any account (IAM writes, audit tampering, Bedrock API keys, acting once revoked)',
      targetIds,
    );
    if (props.resourceControlPolicy ?? true) {
      this.resourceControlPolicy = this.policy(
        'ResourceControlPolicy',
        `${prefix}-rcp`,
        'RESOURCE_CONTROL_POLICY',
        agentResourceControlPolicy(),
        'cdk-agent-identity: data resources tagged ai:tenant refuse agents of another tenant and platform agents',
        targetIds,
      );
    }
  }

  private policy(
    id: string,
    name: string,
    type: string,
    content: Record<string, unknown>,
    description: string,
    targetIds: string[],
  ): organizations.CfnPolicy {
    const size = organizationPolicySize(content);
    if (size > ORGANIZATION_POLICY_MAX_CHARS) {
      failAt(
        this,
        `the ${type === 'SERVICE_CONTROL_POLICY' ? 'service' : 'resource'} control policy is ${size} characters, ` +
          `more than Organizations allows (${ORGANIZATION_POLICY_MAX_CHARS}); list fewer modelGuardrail identifiers ` +
          '(use a wildcard pattern instead)',
      );
    }
    return new organizations.CfnPolicy(this, id, { name, type, content, description, targetIds });
  }
}

const TARGET_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/;

function validateTargets(scope: Construct, targetIds: string[] | undefined): string[] {
  if (!Array.isArray(targetIds) || targetIds.length === 0) {
    failAt(
      scope,
      'targetIds must name at least one root (r-...), organizational unit (ou-...-...) or account (12 digits); ' +
        'a policy attached to nothing protects nothing',
    );
  }
  const seen = new Set<string>();
  for (const id of targetIds) {
    if (typeof id !== 'string' || (!Token.isUnresolved(id) && !TARGET_ID.test(id))) {
      failAt(
        scope,
        `target id ${show(id)} is not a root (r-xxxx), organizational unit (ou-xxxx-xxxxxxxx) or account id (12 digits)`,
      );
    }
    if (seen.has(id)) failAt(scope, `target id ${show(id)} is listed twice`);
    seen.add(id);
  }
  return [...targetIds];
}

/**
 * Properties of `AgentOrganizationGuardRails`.
 * @deprecated use `AgentOrganizationPoliciesProps`
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a deprecated alias kept for jsii languages
export interface AgentOrganizationGuardRailsProps extends AgentOrganizationPoliciesProps {}

/**
 * The former name of `AgentOrganizationPolicies` (same construct, same policies).
 * @deprecated use `AgentOrganizationPolicies`
 */
export class AgentOrganizationGuardRails extends AgentOrganizationPolicies {
  constructor(scope: Construct, id: string, props: AgentOrganizationGuardRailsProps) {
    super(scope, id, props);
  }
}
