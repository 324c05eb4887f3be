import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { failAt, show, unresolvedTenantMessage } from '../shared/errors';
import { acknowledgeFindings } from '../shared/nag-acknowledgements';
import { AgentTagKeys } from '../shared/tag-keys';
import { AGENT_NAME_PATTERN, validateTagValue } from '../shared/tag-values';
import {
  AgentCredentialGrantOptions,
  AgentEntitlement,
  AgentModelGrantOptions,
  AgentWorkloadIdentityBinding,
  IAgentAuditTrail,
  IAgentCredentialProvider,
  IAgentDataStore,
  IAgentIdentity,
  IAgentModel,
  IAgentWorkloadIdentity,
  IDataAccess,
} from './agent-capabilities';
import { AgentAccessPolicy } from './private/agent-access-policy';
import { AgentBoundary } from './agent-boundary';
import { AgentRuntime } from './agent-runtime';
import { DataClassification } from './data-classification';
import { classificationRank } from './private/classification-ladder';
import { WebIdentityTokenOptions, grantWebIdentityTokenTo } from './web-identity-token';

/** Properties of an `AgentIdentity`. */
export interface AgentIdentityProps {
  /**
   * The agent's name: lowercase letters, digits and dashes, 1-48 long, unique in the app.
   * Becomes the `ai:agent` tag that all checks and ABAC rest on.
   */
  readonly agentName: string;
  /** Who may assume the agent's role. */
  readonly runtime: AgentRuntime;
  /**
   * The tenant the agent serves (tag `ai:tenant`). A tenant agent reaches only stores tagged with
   * the same tenant. Letters, digits and `_ . = + @ -`, 1-128 long.
   * @default - a platform agent: it reaches only stores that carry no `ai:tenant` tag, never a tenant's
   */
  readonly tenant?: string;
  /**
   * Accept a `tenant` that is only known at deploy time (a token: `Fn.importValue`, a
   * `CfnParameter`). Synth-time checks then cannot compare it with the tenants of the stores the
   * agent is granted: each such grant is reported as a warning (the tenant is unknown, never taken
   * as a match), and only the IAM conditions and the tenant fence decide at run time.
   * @default false - a token tenant is an error
   */
  readonly allowUnresolvedTenant?: boolean;
  /**
   * The highest data classification the agent may touch (tag `ai:clearance`).
   * @default DataClassification.INTERNAL
   */
  readonly clearance?: DataClassification;
  /**
   * Who answers for this agent in access reviews (tag `ai:owner`), e.g. a team mailbox.
   * @default - no owner; AgentIdentityChecks reports the missing tag
   */
  readonly owner?: string;
  /**
   * Longest session of the role, 1-12 hours (IAM's limits for a role).
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
  /**
   * Physical name of the role.
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;
  /**
   * Description of the role.
   * @default - "AI agent <agentName>"
   */
  readonly description?: string;
  /**
   * Audit trail that records this agent's data events.
   * @default - not attached to a trail; AgentIdentityChecks reports it
   */
  readonly auditTrail?: IAgentAuditTrail;
  /**
   * Opt out of the shared permissions boundary, with the reason (it is shown in the evidence and
   * as a warning). The explicit permissions-guardrail denies stay attached either way.
   * @default - the stack's AgentBoundary is the role's permissions boundary
   */
  readonly boundaryOptOutReason?: string;
  /**
   * The agent's Bedrock AgentCore workload identity: `AgentWorkloadIdentity.create()` (the agent
   * owns one named after `agentName`) or `AgentWorkloadIdentity.fromWorkloadIdentity(...)` (it is
   * given one). Needed before `grantCredentials`. Can also be set later with `useWorkloadIdentity`.
   * @default - none; the agent has no AgentCore workload identity
   */
  readonly workloadIdentity?: IAgentWorkloadIdentity;
}

const TENANT = /^[A-Za-z0-9][A-Za-z0-9_.=+@-]{0,127}$/;
const MIN_SESSION = Duration.hours(1);
const MAX_SESSION = Duration.hours(12);
/** Above any priority Tags.of uses, so an app-wide tag never overrides an agent's principal tag. */
const PRINCIPAL_TAG_PRIORITY = 1000;
const registries = new WeakMap<IConstruct, Map<string, string>>();

/**
 * The identity of one AI agent: an IAM role whose trust names exactly who runs the agent, whose
 * tags carry the ABAC attributes (`ai:agent`, `ai:tenant`, `ai:clearance`, `ai:owner`), and which
 * carries the shared permissions guardrails. Grants go through `grantData`, `grantModels` and `AgentSecret`.
 */
export class AgentIdentity extends Construct implements IAgentIdentity {
  public readonly agentName: string;
  public readonly role: iam.IRole;
  public readonly roleArn: string;
  public readonly roleName: string;
  public readonly tenant?: string;
  public readonly clearance: DataClassification;
  /** The owner recorded in the `ai:owner` tag, if any. */
  public readonly owner?: string;
  /** Kind of runtime that assumes the role, e.g. `lambda`. */
  public readonly runtimeKind: string;
  /** The boundary policy attached to the role; undefined when opted out. */
  public readonly permissionsBoundary?: iam.IManagedPolicy;
  public readonly grantPrincipal: iam.IPrincipal;

  private readonly recorded: AgentEntitlement[] = [];
  private boundWorkloadIdentity?: AgentWorkloadIdentityBinding;
  private readonly accessPolicy: AgentAccessPolicy;

  constructor(scope: Construct, id: string, props: AgentIdentityProps) {
    super(scope, id);
    this.agentName = validateAgentName(this, props.agentName);
    this.tenant = validateTenant(this, props.tenant, props.allowUnresolvedTenant ?? false);
    this.clearance = validateClearance(this, props.clearance ?? DataClassification.INTERNAL);
    this.owner = props.owner;
    if (props.owner !== undefined) validateTagValue(this, 'owner', props.owner);
    if (!props.runtime || typeof props.runtime.bind !== 'function') {
      failAt(
        this,
        'runtime is required; choose one of AgentRuntime.lambdaFunction(), ecsTask(), eksPodIdentity(...), ...',
      );
    }

    const runtime = props.runtime.bind(this);
    this.runtimeKind = runtime.kind;
    const maxSessionDuration = validateSession(
      this,
      props.maxSessionDuration ?? MIN_SESSION,
      runtime.maxSessionDurationCap,
    );
    const agentBoundary = AgentBoundary.of(this);
    this.permissionsBoundary = resolveBoundary(this, agentBoundary, props.boundaryOptOutReason);

    const role = new iam.Role(this, 'Role', {
      assumedBy: runtime.assumedBy,
      roleName: props.roleName,
      description: props.description ?? `AI agent ${this.agentName}`,
      // one hour is CloudFormation's default: leave it out of the template
      maxSessionDuration:
        maxSessionDuration.toSeconds() === MIN_SESSION.toSeconds() ? undefined : maxSessionDuration,
      permissionsBoundary: this.permissionsBoundary,
    });
    this.role = role;
    for (const policy of agentBoundary.permissionsGuardrailPoliciesFor(
      this.role,
      this.permissionsBoundary !== undefined,
    ))
      this.role.addManagedPolicy(policy);
    this.accessPolicy = new AgentAccessPolicy(this, role);
    acknowledgeFindings(this.role, {
      'NIST.800.53.R5-IAMNoInlinePolicy':
        'deliberate: every grant of this agent lives in one inline policy bound to its role, so the grants cannot be ' +
        'attached to any other principal and an agent costs one CloudFormation resource (in a stack of many agents, ' +
        'agents granted exactly the same may instead share one managed policy, see AgentGrantSharing); changes are ' +
        'reviewed through the entitlement report diff',
    });
    this.roleArn = this.role.roleArn;
    this.roleName = this.role.roleName;
    this.grantPrincipal = new InlinePolicyPrincipal(role, this.accessPolicy);
    this.node.defaultChild = this.role.node.defaultChild;

    // Set on the L1 directly (not through the Tags aspect) so the principal tags exist before
    // synthesis too: checks run with validateScope see them, and no app-wide tag can override them.
    const tags = (this.role.node.defaultChild as iam.CfnRole).tags;
    const principalTags: [string, string | undefined][] = [
      [AgentTagKeys.AGENT, this.agentName],
      [AgentTagKeys.CLEARANCE, this.clearance],
      [AgentTagKeys.TENANT, this.tenant],
      [AgentTagKeys.OWNER, this.owner],
    ];
    for (const [key, value] of principalTags)
      if (value !== undefined) tags.setTag(key, value, PRINCIPAL_TAG_PRIORITY);
    // ai:owner is left out: an ancestor may add or change who answers for the agent (RequiredTags judges it)
    const fenced = principalTags.filter(([key]) => key !== AgentTagKeys.OWNER);
    this.node.addValidation({ validate: () => principalTagErrors(role, fenced) });

    props.runtime.onRoleCreated(this, this.role);
    props.auditTrail?.recordAgent(this);
    if (props.workloadIdentity) this.useWorkloadIdentity(props.workloadIdentity);
  }

  /** The agent's AgentCore workload identity, once it has one. */
  public get workloadIdentity(): AgentWorkloadIdentityBinding | undefined {
    return this.boundWorkloadIdentity;
  }

  /**
   * Binds the agent to its AgentCore workload identity (once), e.g.
   * `agent.useWorkloadIdentity(AgentWorkloadIdentity.create())`.
   */
  public useWorkloadIdentity(identity: IAgentWorkloadIdentity): AgentWorkloadIdentityBinding {
    if (!identity || typeof identity.bindToAgent !== 'function') {
      failAt(this, 'workloadIdentity needs an AgentWorkloadIdentity, e.g. AgentWorkloadIdentity.create()');
    }
    if (this.boundWorkloadIdentity) {
      failAt(
        this,
        `the agent already has the workload identity ${show(this.boundWorkloadIdentity.workloadIdentityName)}; an agent has exactly one`,
      );
    }
    this.boundWorkloadIdentity = identity.bindToAgent(this);
    return this.boundWorkloadIdentity;
  }

  /**
   * Grants tokens (or the API key) of one AgentCore token-vault credential provider, for this
   * agent's own workload identity only, e.g.
   * `agent.grantCredentials(CredentialProvider.oauth2(salesforce), { scopes: ['api'] })`.
   */
  public grantCredentials(
    provider: IAgentCredentialProvider,
    options: AgentCredentialGrantOptions = {},
  ): iam.Grant {
    if (!provider || typeof provider.grantToAgent !== 'function') {
      failAt(
        this,
        'grantCredentials needs a CredentialProvider, e.g. CredentialProvider.oauth2(provider) or CredentialProvider.apiKey(provider)',
      );
    }
    return provider.grantToAgent(this, options);
  }

  /**
   * Lets the agent obtain an AWS-signed JWT (`sts:GetWebIdentityToken`) for one audience and at
   * most `maxDuration`, for providers that accept AWS-issued tokens instead of a stored key. The
   * account must have outbound web identity federation enabled once
   * (`aws iam enable-outbound-web-identity-federation`).
   */
  public grantWebIdentityToken(options: WebIdentityTokenOptions): iam.Grant {
    return grantWebIdentityTokenTo(this, options);
  }

  /** Everything granted through the library, in grant order. */
  public get entitlements(): AgentEntitlement[] {
    return [...this.recorded];
  }

  /**
   * Adds a statement to the agent's own inline policy. Grants made through the library (and
   * `grant*` methods of other constructs called with this agent) land here: one inline policy per
   * role, merged where statements differ only in resources, so an agent costs one resource.
   */
  public addToAgentPolicy(statement: iam.PolicyStatement): void {
    this.accessPolicy.addStatements(statement);
  }

  /** Managed policies holding grants that outgrew the inline policy (empty for almost every agent). */
  public get overflowPolicies(): iam.ManagedPolicy[] {
    return this.accessPolicy.overflowPolicies;
  }

  public recordEntitlement(entitlement: AgentEntitlement): void {
    this.recorded.push(entitlement);
  }

  /** Grants access to a data store, under the store's tenant and classification conditions. */
  public grantData(store: IAgentDataStore, access: IDataAccess): iam.Grant {
    if (!store || typeof store.grantToAgent !== 'function') {
      failAt(this, 'grantData needs a DataStore, e.g. DataStore.s3Bucket(bucket)');
    }
    return store.grantToAgent(this, access);
  }

  /** Grants invocation of exact models, optionally pinned to a guardrail. */
  public grantModels(models: IAgentModel[], options: AgentModelGrantOptions = {}): iam.Grant {
    if (!models || models.length === 0) {
      failAt(this, 'grantModels needs at least one model, e.g. [BedrockModel.foundationModel(...)]');
    }
    let grant = models[0].grantInvokeToAgent(this, options);
    for (const model of models.slice(1)) grant = grant.combine(model.grantInvokeToAgent(this, options));
    if (options.guardrail) grant = grant.combine(options.guardrail.pinForAgent(this, models, options));
    return grant;
  }
}

/** Routes grants into the agent's access policy instead of a separate AWS::IAM::Policy. */
class InlinePolicyPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly policyFragment: iam.PrincipalPolicyFragment;
  public readonly principalAccount?: string;

  constructor(
    private readonly role: iam.Role,
    private readonly access: AgentAccessPolicy,
  ) {
    this.assumeRoleAction = role.assumeRoleAction;
    this.policyFragment = role.policyFragment;
    this.principalAccount = role.principalAccount;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.access.addStatements(statement);
    return { statementAdded: true, policyDependable: this.role };
  }
}

/**
 * The principal tags as CloudFormation will get them (after every aspect, `Tags.of`, `DataTags`
 * and property override) must be the declared ones: ABAC, the checks and the report all read
 * them, so a tag applied on an ancestor must not change the agent's tenant, name or clearance.
 */
function principalTagErrors(role: iam.Role, declared: [string, string | undefined][]): string[] {
  const cfnRole = role.node.defaultChild as iam.CfnRole;
  const stack = Stack.of(role);
  const rendered = stack.resolve(
    (cfnRole as unknown as { _toCloudFormation(): Record<string, any> })._toCloudFormation(), // eslint-disable-line @typescript-eslint/no-explicit-any
  );
  const entry = Object.values<{ Properties?: { Tags?: unknown } }>(rendered?.Resources ?? {})[0];
  const tags = new Map<string, unknown>();
  for (const t of Array.isArray(entry?.Properties?.Tags) ? entry.Properties.Tags : []) {
    if (t && typeof t.Key === 'string') tags.set(t.Key, t.Value);
  }
  const errors: string[] = [];
  for (const [key, value] of declared) {
    const want = value === undefined ? undefined : JSON.stringify(stack.resolve(value));
    const got = tags.has(key) ? JSON.stringify(tags.get(key)) : undefined;
    if (want === got) continue;
    errors.push(
      `principal tag ${key} of the agent role renders as ${got ?? 'absent'} but the agent declares ${want ?? 'none'}; ` +
        `a Tags.of, DataTags or property override on an ancestor changed it — exclude the agent ` +
        `(Tags.of(scope).add(key, value, { excludeResourceTypes: ['AWS::IAM::Role'] })) or set the value on AgentIdentity`,
    );
  }
  return errors;
}

function validateAgentName(scope: Construct, agentName: string): string {
  if (typeof agentName !== 'string' || Token.isUnresolved(agentName) || !AGENT_NAME_PATTERN.test(agentName)) {
    failAt(
      scope,
      `agentName ${show(agentName)} must be a literal of 1-48 lowercase letters, digits or dashes, e.g. 'email-triage'`,
    );
  }
  const root = scope.node.root;
  let names = registries.get(root);
  if (!names) {
    names = new Map();
    registries.set(root, names);
  }
  const taken = names.get(agentName);
  if (taken !== undefined) {
    failAt(
      scope,
      `agentName ${show(agentName)} is already used by ${taken}; agent names must be unique in the app`,
    );
  }
  names.set(agentName, scope.node.path);
  return agentName;
}

function validateTenant(
  scope: Construct,
  tenant: string | undefined,
  allowUnresolved: boolean,
): string | undefined {
  if (tenant === undefined) return tenant;
  if (Token.isUnresolved(tenant)) {
    if (!allowUnresolved) failAt(scope, unresolvedTenantMessage(tenant));
    return tenant;
  }
  if (!TENANT.test(tenant)) {
    failAt(
      scope,
      `tenant ${show(tenant)} must be 1-128 letters, digits or _ . = + @ - starting with a letter or digit; it becomes the ai:tenant tag`,
    );
  }
  return tenant;
}

function validateClearance(scope: Construct, clearance: DataClassification): DataClassification {
  try {
    classificationRank(clearance);
  } catch {
    failAt(
      scope,
      `clearance ${show(clearance)} is not a DataClassification; use DataClassification.INTERNAL or another member`,
    );
  }
  return clearance;
}

function validateSession(scope: Construct, duration: Duration, cap: Duration | undefined): Duration {
  if (duration.isUnresolved()) return duration;
  const seconds = duration.toSeconds();
  if (seconds < MIN_SESSION.toSeconds() || seconds > MAX_SESSION.toSeconds()) {
    failAt(
      scope,
      `maxSessionDuration ${duration.toHumanString()} is outside 1-12 hours, the range IAM accepts for a role; callers can still request shorter sessions`,
    );
  }
  if (cap && !cap.isUnresolved() && seconds > Math.max(cap.toSeconds(), MIN_SESSION.toSeconds())) {
    failAt(
      scope,
      `maxSessionDuration ${duration.toHumanString()} exceeds what this runtime allows (${cap.toHumanString()}); lower it`,
    );
  }
  return duration;
}

function resolveBoundary(
  scope: Construct,
  agentBoundary: AgentBoundary,
  optOutReason: string | undefined,
): iam.IManagedPolicy | undefined {
  if (optOutReason === undefined) return agentBoundary.boundary;
  if (optOutReason.trim().length < 10) {
    failAt(
      scope,
      `boundaryOptOutReason ${show(optOutReason)} is too short; say in a sentence why this agent must run without the shared boundary`,
    );
  }
  Annotations.of(scope).addWarningV2(
    'cdk-agent-identity:boundary-opt-out',
    `agent runs without the shared permissions boundary: ${optOutReason}`,
  );
  return undefined;
}
