import { CfnResource, Duration, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { failAt, show } from '../shared/errors';
import { AppIndex } from './private/app-index';
import { CheckContext } from './private/context';
import { actionsExist } from './rules/actions-exist';
import { attributablePolicies } from './rules/attributable-policies';
import { agentCoreOwnIdentity } from './rules/agent-core-own-identity';
import { auditTrail } from './rules/audit-trail';
import { bedrockExactModels } from './rules/bedrock-exact-models';
import { guardrailRequired } from './rules/guardrail-required';
import { maxSessionDuration } from './rules/max-session-duration';
import { narrowTrust } from './rules/narrow-trust';
import { noPrivilegeEscalation } from './rules/no-privilege-escalation';
import { noWildcardActions } from './rules/no-wildcard-actions';
import { noWildcardResources } from './rules/no-wildcard-resources';
import { permissionsBoundary } from './rules/permissions-boundary';
import { requiredTags } from './rules/required-tags';
import { secretRotation } from './rules/secret-rotation';
import { segregationOfDuties } from './rules/segregation-of-duties';
import { tenantAbac } from './rules/tenant-abac';
import { userIdDelegationReason } from './rules/user-id-delegation-reason';
import { vaultSecretViaVault } from './rules/vault-secret-via-vault';
import { verifiablePolicies } from './rules/verifiable-policies';
import { gatewayPolicyEngine } from './rules/gateway-policy-engine';
import { toolPermitScope } from './rules/tool-permit-scope';
import { delegationFence } from './rules/delegation-fence';
import { permissionsGuardrailsAttached } from './rules/permissions-guardrails-attached';
import { leadingKeysGuard } from './rules/leading-keys-guard';
import { noAlwaysTrueConditions } from './rules/no-always-true-conditions';
import { principalTagWildcard } from './rules/principal-tag-wildcard';

/** Properties of the `AgentIdentityChecks` pack. */
export interface AgentIdentityChecksProps extends NagPackProps {
  /**
   * Longest `MaxSessionDuration` an agent role may have (1-12 hours).
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
  /**
   * Longest rotation interval, in days, of a secret an agent reads (1-1000).
   * @default 90
   */
  readonly maxSecretRotationDays?: number;
  /**
   * Whether every agent allowed to invoke Bedrock models must be pinned to a guardrail (a Deny
   * with a `bedrock:GuardrailIdentifier` condition).
   * @default false
   */
  readonly requireGuardrail?: boolean;
}

/** How a rule of the pack is documented (the rows of RULES.md). */
export interface AgentIdentityRuleInfo {
  /** The rule id, e.g. `AgentIdentity-NoWildcardActions`. */
  readonly id: string;
  /** `Error` or `Warning`. */
  readonly level: string;
  /** Why a finding was reported. */
  readonly info: string;
  /** Why the rule exists and how to comply. */
  readonly explanation: string;
}

/** The pack's name; every rule id is `AgentIdentity-<Rule>`. */
const PACK_NAME = 'AgentIdentity';

/** One rule of the pack: its id suffix, level and wording. */
interface RuleSpec {
  readonly name: string;
  readonly level: NagMessageLevel;
  readonly info: string;
  readonly explanation: string;
  readonly rule: (node: CfnResource, context: CheckContext) => NagRuleResult;
}

const RULES: readonly RuleSpec[] = [
  {
    name: 'NoWildcardActions',
    level: NagMessageLevel.ERROR,
    info: 'The agent role allows a wildcard action, a NotAction or a NotResource.',
    explanation:
      'A wildcard or a negation grants every action (or resource) the service has or will add, far beyond the task the agent was built for (excessive agency). Name the exact actions and resources.',
    rule: noWildcardActions,
  },
  {
    name: 'NoWildcardResources',
    level: NagMessageLevel.ERROR,
    info: 'The agent role allows an action that supports resource-level permissions on Resource "*".',
    explanation:
      'Resource "*" reaches every resource of that kind in the account, including other tenants\' and other agents\'. Use "*" only for actions with no resource type; otherwise name the ARNs.',
    rule: noWildcardResources,
  },
  {
    name: 'ActionsExist',
    level: NagMessageLevel.ERROR,
    info: 'A policy of the agent role names an IAM action that does not exist.',
    explanation:
      'A misspelled action grants nothing (the agent fails at run time) and in a Deny it denies nothing (a permissions guardrail that silently does not hold). Fix the spelling against the Service Authorization Reference.',
    rule: actionsExist,
  },
  {
    name: 'PermissionsBoundary',
    level: NagMessageLevel.ERROR,
    info: 'The agent role has no permissions boundary.',
    explanation:
      'Without a boundary, any grant added later — by hand or by another construct — takes full effect. Attach the shared AgentBoundary (AgentIdentity does by default) or acknowledge with the reason.',
    rule: permissionsBoundary,
  },
  {
    name: 'MaxSessionDuration',
    level: NagMessageLevel.ERROR,
    info: 'The agent role allows sessions longer than the limit.',
    explanation:
      'Long sessions keep leaked or prompt-injected credentials valid for hours. Keep MaxSessionDuration at or below the limit (default one hour).',
    rule: maxSessionDuration,
  },
  {
    name: 'NarrowTrust',
    level: NagMessageLevel.ERROR,
    info: 'The agent role trusts a principal without narrowing conditions.',
    explanation:
      'Service principals need aws:SourceAccount or aws:SourceArn (confused deputy); AWS principals need a condition such as sts:ExternalId; OIDC principals must pin the sub claim without wildcards; "*" and NotPrincipal are never allowed; sts:TagSession must not let a caller set the agent\'s ai:* principal tags (a session tag overrides the role tag: tenant B\'s session).',
    rule: narrowTrust,
  },
  {
    name: 'NoPrivilegeEscalation',
    level: NagMessageLevel.ERROR,
    info: 'The agent role is allowed an action that can escalate privileges.',
    explanation:
      'IAM writes, iam:PassRole without iam:PassedToService, sts:AssumeRole on a wildcard, code injection into other functions, remote commands and resource-policy changes let an agent give itself (or others) more access than it was granted.',
    rule: noPrivilegeEscalation,
  },
  {
    name: 'TenantAbac',
    level: NagMessageLevel.ERROR,
    info: 'A tenant agent reaches a data store without a tenant condition.',
    explanation:
      "An agent tagged ai:tenant must reach data only under a condition tying the resource to its own tenant (${aws:PrincipalTag/ai:tenant}, dynamodb:LeadingKeys or s3:ExistingObjectTag/ai:tenant); otherwise one prompt reaches another tenant's data.",
    rule: tenantAbac,
  },
  {
    name: 'BedrockExactModels',
    level: NagMessageLevel.ERROR,
    info: "The agent role invokes Bedrock models by wildcard, or reaches another region's foundation model directly.",
    explanation:
      "Name exact model ARNs so the agent cannot switch to a costlier or unapproved model; grant foundation models of an inference profile's destination regions only with the bedrock:InferenceProfileArn condition.",
    rule: bedrockExactModels,
  },
  {
    name: 'GuardrailRequired',
    level: NagMessageLevel.ERROR,
    info: 'The agent may invoke models without a pinned guardrail.',
    explanation:
      'With requireGuardrail, every agent allowed bedrock:InvokeModel* must carry a Deny on those actions conditioned on bedrock:GuardrailIdentifier, so an invocation without the approved guardrail fails.',
    rule: guardrailRequired,
  },
  {
    name: 'SecretRotation',
    level: NagMessageLevel.ERROR,
    info: 'A secret an agent reads is not rotated within the limit or not encrypted with a customer managed key.',
    explanation:
      'Agent credentials leak through prompts, logs and tool output; rotation bounds how long a leaked secret works, and a customer managed KMS key lets you audit and revoke decryption.',
    rule: secretRotation,
  },
  {
    name: 'AuditTrail',
    level: NagMessageLevel.ERROR,
    info: 'The agent role is not covered by a validated, encrypted, object-locked CloudTrail trail.',
    explanation:
      'What an agent did must be provable after the fact: a logging trail in its account and region with log file validation, KMS encryption and an S3 bucket with Object Lock, so records can be neither lost nor rewritten.',
    rule: auditTrail,
  },
  {
    name: 'SegregationOfDuties',
    level: NagMessageLevel.ERROR,
    info: 'The agent role can both propose and approve the same change.',
    explanation:
      "An agent that can register a model version and approve it, or change a pipeline's input and approve its release, removes the human (or second agent) check the approval step exists for.",
    rule: segregationOfDuties,
  },
  {
    name: 'RequiredTags',
    level: NagMessageLevel.ERROR,
    info: 'The agent role lacks a required tag (ai:agent, ai:owner).',
    explanation:
      'Every agent must be named and owned: ABAC, the evidence report and access reviews rely on these tags. Set owner on AgentIdentity or tag the role.',
    rule: requiredTags,
  },
  {
    name: 'VerifiablePolicies',
    level: NagMessageLevel.ERROR,
    info: 'A managed policy attached to the agent role is not defined in the app.',
    explanation:
      'AWS managed and imported policies cannot be read at synth time, so no rule can judge them, and they change without a deployment. Grant through policies defined in the app, or acknowledge with the reason.',
    rule: verifiablePolicies,
  },
  {
    name: 'GatewayPolicyEngine',
    level: NagMessageLevel.ERROR,
    info: 'An AgentCore Gateway has no Cedar policy engine, or an agent may invoke a gateway the app does not define.',
    explanation:
      'IAM decides whether an agent may reach a gateway, not which tools it may call with which input. Without a policy engine every authenticated caller calls every tool. Attach one (AgentToolPolicy.of(gateway)); acknowledge a gateway outside the app with the reason.',
    rule: gatewayPolicyEngine,
  },
  {
    name: 'ToolPermitScope',
    level: NagMessageLevel.ERROR,
    info: 'A Cedar permit of an AgentCore policy engine reaches every tool, every caller or every gateway.',
    explanation:
      'A permit must name the tools (AgentCore::Action::"<target>___<tool>"), one gateway (resource ==) and the caller (a principal or a condition on it); otherwise one prompt-injected agent calls tools granted to none.',
    rule: toolPermitScope,
  },
  {
    name: 'AttributablePolicies',
    level: NagMessageLevel.ERROR,
    info: 'A policy may grant an agent role access through a reference the checks cannot follow.',
    explanation:
      'The checks judge every policy that reaches an agent role: identity policies naming it and resource policies naming it (or its sessions) as principal. A role or principal given by Fn::If, a parameter, an import of another app, a custom resource, or principal "*" narrowed by aws:PrincipalArn / aws:PrincipalTag cannot be attributed, so it is reported on the resource holding the policy. Name the role by reference or literal ARN, or acknowledge with the reason.',
    rule: attributablePolicies,
  },
  {
    name: 'PermissionsGuardrailsAttached',
    level: NagMessageLevel.ERROR,
    info: 'The agent role lacks a permissions-guardrail deny of the AgentBoundary GuardRails policy.',
    explanation:
      'The explicit permissions-guardrail denies hold whatever else is granted, also when the boundary is opted out of or replaced. Keep the stack’s AgentBoundary GuardRails managed policy attached, unchanged.',
    rule: permissionsGuardrailsAttached,
  },
  {
    name: 'DelegationFence',
    level: NagMessageLevel.ERROR,
    info: 'A delegated worker serves another tenant than its orchestrator, or holds a higher clearance.',
    explanation:
      'Handing work to a worker must not widen what the orchestrator reaches. Give the worker the orchestrator’s tenant and at most its clearance, or state why with crossTenantReason / raisedClearanceReason on AgentRuntime.delegatedFrom.',
    rule: delegationFence,
  },
  {
    name: 'LeadingKeysGuard',
    level: NagMessageLevel.ERROR,
    info: 'A ForAllValues condition on dynamodb:LeadingKeys has no Null guard.',
    explanation:
      'ForAllValues is true for an empty set: a Scan sends no leading key and passes the tenant condition. Add Null: { dynamodb:LeadingKeys: false } to the statement.',
    rule: leadingKeysGuard,
  },
  {
    name: 'PrincipalTagWildcard',
    level: NagMessageLevel.ERROR,
    info: 'A wildcard sits right next to a principal-tag variable.',
    explanation:
      '${aws:PrincipalTag/ai:tenant}* lets tenant acme reach acme-corp’s data. End the variable with a delimiter (${aws:PrincipalTag/ai:tenant}/*) or compare it exactly.',
    rule: principalTagWildcard,
  },
  {
    name: 'NoAlwaysTrueConditions',
    level: NagMessageLevel.ERROR,
    info: 'A condition of the agent role narrows nothing.',
    explanation:
      'A Like with "*", Null false on a key every request carries, a key compared with itself, or IfExists on a tenant or classification key without a Null guard looks like a restriction but lets every request through. Remove it or write the real restriction.',
    rule: noAlwaysTrueConditions,
  },
  {
    name: 'AgentCoreOwnIdentity',
    level: NagMessageLevel.ERROR,
    info: "The agent role may use AgentCore token or token-vault actions on a wildcard or on another agent's workload identity.",
    explanation:
      "Workload access tokens and token-vault credentials must be reachable only for the agent's own workload identity and exactly named credential providers; a wildcard lets one agent (even of the same tenant) act as another and fetch its tokens. Grant through AgentWorkloadIdentity and agent.grantCredentials, which also fence the actions with explicit denies.",
    rule: agentCoreOwnIdentity,
  },
  {
    name: 'UserIdDelegationReason',
    level: NagMessageLevel.ERROR,
    info: 'The agent role may call GetWorkloadAccessTokenForUserId without a declared reason.',
    explanation:
      "GetWorkloadAccessTokenForUserId names the user by id alone, so nothing proves the user asked: every user's stored tokens are within reach. Act for users through the inbound JWT (UserDelegation.throughInboundJwt); use UserDelegation.byUserId({ reason }) only when no user token exists.",
    rule: userIdDelegationReason,
  },
  {
    name: 'VaultSecretViaVault',
    level: NagMessageLevel.ERROR,
    info: "The agent role may read a token-vault credential provider's secret directly.",
    explanation:
      "The token vault keeps a provider's client secret or API key in Secrets Manager so the agent never holds it; the agent's read must be conditioned on aws:ViaAWSService (or aws:CalledVia the vault), so only the vault can read it on the agent's behalf.",
    rule: vaultSecretViaVault,
  },
];

/**
 * cdk-nag pack that fails `cdk synth` when an AI agent's role is granted more than least
 * privilege. Agent roles are the `AWS::IAM::Role` resources tagged `ai:agent`, whoever wrote
 * them; the rules judge the resolved template (every inline, attached and managed policy that
 * reaches the role), not construct internals.
 *
 * Findings are granular (`AgentIdentity-<Rule>[<finding>]`), so each can be acknowledged with
 * `Validations.of(construct).acknowledge({ id, reason })` on the resource or any ancestor.
 *
 * @example
 * Validations.of(app).addPlugins(new AgentIdentityChecks(app, { requireGuardrail: true }));
 */
export class AgentIdentityChecks extends NagPack {
  /** Every rule id of the pack, e.g. `AgentIdentity-NoWildcardActions`. */
  public static readonly RULE_IDS: string[] = Object.freeze(
    RULES.map((r) => `${PACK_NAME}-${r.name}`),
  ) as string[];

  /** The id, level, and wording of every rule (what RULES.md documents). */
  public static describeRules(): AgentIdentityRuleInfo[] {
    return RULES.map((r) => ({
      id: `${PACK_NAME}-${r.name}`,
      level: r.level,
      info: r.info,
      explanation: r.explanation,
    }));
  }

  public readonly name = PACK_NAME;
  public override readonly ruleIds?: string[] = [...AgentIdentityChecks.RULE_IDS];

  private readonly maxSessionDurationSeconds: number;
  private readonly maxSecretRotationDays: number;
  private readonly requireGuardrail: boolean;
  private context?: CheckContext;

  constructor(scope?: IConstruct, props: AgentIdentityChecksProps = {}) {
    super(scope, props);
    this.packName = PACK_NAME;
    this.maxSessionDurationSeconds = validateSession(scope, props.maxSessionDuration ?? Duration.hours(1));
    this.maxSecretRotationDays = validateRotationDays(scope, props.maxSecretRotationDays ?? 90);
    this.requireGuardrail = props.requireGuardrail ?? false;
  }

  /** Runs the pack over a construct tree; the app is indexed afresh on every run. */
  public override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.context = undefined;
    try {
      return super.validateScope(scope);
    } finally {
      this.context = undefined;
    }
  }

  protected checkResource(node: CfnResource): void {
    for (const spec of RULES) {
      this.applyRule({
        ruleSuffixOverride: spec.name,
        info: spec.info,
        explanation: spec.explanation,
        level: spec.level,
        node,
        rule: (n: CfnResource) => spec.rule(n, this.contextFor(n)),
      });
    }
  }

  /** The shared context, with the app index built on first use in a run. */
  private contextFor(node: IConstruct): CheckContext {
    if (!this.context) {
      this.context = {
        index: new AppIndex(node),
        maxSessionDurationSeconds: this.maxSessionDurationSeconds,
        maxSecretRotationDays: this.maxSecretRotationDays,
        requireGuardrail: this.requireGuardrail,
      };
    }
    return this.context;
  }
}

function fail(scope: IConstruct | undefined, message: string): never {
  if (scope) failAt(scope, message);
  throw new Error(message);
}

function validateSession(scope: IConstruct | undefined, duration: Duration): number {
  if (duration.isUnresolved()) {
    fail(scope, 'maxSessionDuration must be a literal duration, got a token; use e.g. Duration.hours(1)');
  }
  const seconds = duration.toSeconds();
  if (seconds < 3600 || seconds > 43200) {
    fail(
      scope,
      `maxSessionDuration ${duration.toHumanString()} is outside 1-12 hours, the range IAM accepts for a role; use e.g. Duration.hours(1)`,
    );
  }
  return seconds;
}

function validateRotationDays(scope: IConstruct | undefined, days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > 1000) {
    fail(
      scope,
      `maxSecretRotationDays ${show(days)} must be a whole number of days from 1 to 1000 (Secrets Manager's range); use e.g. 90`,
    );
  }
  return days;
}
