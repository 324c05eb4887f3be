import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { failAt, show } from '../shared/errors';
import { acknowledgeFindings } from '../shared/nag-acknowledgements';
import { AgentTagKeys } from '../shared/tag-keys';
import { validateTagKey } from '../shared/tag-values';
import type { IAgentIdentity } from './agent-capabilities';
import { classificationRank } from './private/classification-ladder';

/** What a runtime contributes to an agent role. */
export interface AgentRuntimeConfig {
  /** The principal (with its conditions) the role's trust policy allows. */
  readonly assumedBy: iam.IPrincipal;
  /** Short name of the runtime kind, e.g. `lambda`; appears in evidence. */
  readonly kind: string;
  /**
   * Longest session this runtime allows, if it caps sessions below the role's setting.
   * @default - no cap beyond the role's
   */
  readonly maxSessionDurationCap?: Duration;
}

/** Options for `AgentRuntime.eksPodIdentity`. */
export interface EksPodIdentityOptions {
  /**
   * Kubernetes namespace of the pods that may assume the role. Give this or (TypeScript only, deprecated) `namespace`.
   * @default - required; `namespace` is accepted in its place in TypeScript
   */
  readonly kubernetesNamespace?: string;
  /**
   * @deprecated use `kubernetesNamespace` (`namespace` is a reserved word in C#)
   * @jsii ignore
   */
  readonly namespace?: string;
  /** Kubernetes service account of the pods that may assume the role. */
  readonly serviceAccount: string;
  /**
   * EKS cluster name; when set, only pods of that cluster may assume the role.
   * @default - any cluster of this account with a matching namespace and service account
   */
  readonly clusterName?: string;
}

/** Options for `AgentRuntime.githubActions`. Give exactly one of `gitRef` and `environment`. */
export interface GitHubActionsOptions {
  /** Repository as `owner/name`. */
  readonly repo: string;
  /**
   * Git ref the workflow must run on, e.g. `refs/heads/main` (the `ref:` part of the token's `sub`).
   * @default - none; then `environment` is required
   */
  readonly gitRef?: string;
  /**
   * @deprecated use `gitRef` (`ref` is a reserved word in C#)
   * @jsii ignore
   */
  readonly ref?: string;
  /**
   * GitHub deployment environment the job must run in, e.g. `production`.
   * @default - none; then `gitRef` is required
   */
  readonly environment?: string;
  /**
   * The account's GitHub OIDC provider.
   * @default - the provider `token.actions.githubusercontent.com` of this account (must exist)
   */
  readonly provider?: iam.IOpenIdConnectProvider;
}

/** Options for `AgentRuntime.account`. */
export interface AccountRuntimeOptions {
  /** External id the other account must pass (confused-deputy protection for third parties). */
  readonly externalId: string;
}

/** Options for `AgentRuntime.delegatedFrom`. */
export interface DelegationOptions {
  /**
   * Session tag keys the orchestrator must pass, and the only ones it may pass — e.g.
   * `['ai:record']` for the one customer record a worker may touch. The worker's policies read
   * them as `${aws:PrincipalTag/<key>}`. They may not be the agent's own `ai:agent`, `ai:tenant`,
   * `ai:clearance` or `ai:owner` keys, which a session tag would otherwise override.
   */
  readonly sessionTags: string[];
  /**
   * Longest delegated session. Delegation is role chaining, which AWS caps at one hour.
   * @default Duration.hours(1)
   */
  readonly maxDuration?: Duration;
  /**
   * Why this worker may serve another tenant than its orchestrator (a sentence). Without it, a
   * worker whose tenant differs from the orchestrator's (a platform agent counts as its own
   * tenant) is a synth-time error; with it, synth warns and the AgentIdentity-DelegationFence
   * finding is acknowledged with this reason, so the entitlement report shows it.
   * @default - the worker must serve exactly the orchestrator's tenant
   */
  readonly crossTenantReason?: string;
  /**
   * Why this worker may hold a higher clearance than its orchestrator (a sentence). Without it, a
   * worker cleared above its orchestrator is a synth-time error (the orchestrator would reach
   * data above its own clearance through the worker); with it, synth warns and the
   * AgentIdentity-DelegationFence finding is acknowledged with this reason.
   * @default - the worker's clearance must be at or below the orchestrator's
   */
  readonly raisedClearanceReason?: string;
}

const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
const ROLE_CHAINING_LIMIT = Duration.hours(1);

/**
 * Who may assume an agent's role. Every factory produces the narrowest trust policy the service
 * supports, with confused-deputy conditions where the service sets them.
 */
export abstract class AgentRuntime {
  /** An AWS Lambda function in this account. */
  public static lambdaFunction(): AgentRuntime {
    return new ServiceRuntime('lambda', 'lambda.amazonaws.com', () => undefined);
  }

  /**
   * The former name of `lambdaFunction()` (TypeScript only: `lambda` is a Python keyword).
   * @deprecated use `AgentRuntime.lambdaFunction()`
   * @jsii ignore
   */
  public static lambda(): AgentRuntime {
    return AgentRuntime.lambdaFunction();
  }

  /** An Amazon ECS task (task role) of this account and region. */
  public static ecsTask(): AgentRuntime {
    return new ServiceRuntime('ecs-task', 'ecs-tasks.amazonaws.com', (stack) =>
      stack.formatArn({ service: 'ecs', resource: '*' }),
    );
  }

  /** Pods of one namespace and service account through EKS Pod Identity. */
  public static eksPodIdentity(options: EksPodIdentityOptions): AgentRuntime {
    return new EksPodIdentityRuntime(options);
  }

  /** An Amazon Bedrock AgentCore runtime of this account and region. */
  public static agentCoreRuntime(): AgentRuntime {
    return new ServiceRuntime('agentcore-runtime', 'bedrock-agentcore.amazonaws.com', (stack) =>
      stack.formatArn({ service: 'bedrock-agentcore', resource: '*' }),
    );
  }

  /**
   * An Amazon Bedrock agent of this account and region.
   *
   * Legacy: Bedrock Agents (classic) is in maintenance mode for new customers. Keep it for existing
   * agents; build new ones on Amazon Bedrock AgentCore (`AgentRuntime.agentCoreRuntime()`, an
   * AgentCore workload identity via `AgentWorkloadIdentity`, tools behind an AgentCore Gateway).
   */
  public static bedrockAgent(): AgentRuntime {
    return new ServiceRuntime('bedrock-agent', 'bedrock.amazonaws.com', (stack) =>
      stack.formatArn({ service: 'bedrock', resource: 'agent', resourceName: '*' }),
    );
  }

  /** A GitHub Actions workflow of one repository, pinned to one ref or environment (OIDC). */
  public static githubActions(options: GitHubActionsOptions): AgentRuntime {
    return new GitHubActionsRuntime(options);
  }

  /** Principals of another AWS account that present the agreed external id. */
  public static account(accountId: string, options: AccountRuntimeOptions): AgentRuntime {
    return new AccountRuntime(accountId, options);
  }

  /**
   * An orchestrating agent that hands one piece of work to this agent: only that orchestrator
   * may assume the role, only while passing exactly the named session tags, never transitively.
   */
  public static delegatedFrom(orchestrator: IAgentIdentity, options: DelegationOptions): AgentRuntime {
    return new DelegatedRuntime(orchestrator, options);
  }

  /** Produces the trust for an agent role created in `scope`. */
  public abstract bind(scope: Construct): AgentRuntimeConfig;

  /** Called once the agent's role exists, for runtimes that must grant something to a caller. */
  public onRoleCreated(_scope: Construct, _role: iam.IRole): void {}
}

class ServiceRuntime extends AgentRuntime {
  constructor(
    private readonly kind: string,
    private readonly service: string,
    private readonly sourceArn: (stack: Stack) => string | undefined,
  ) {
    super();
  }

  public bind(scope: Construct): AgentRuntimeConfig {
    const stack = Stack.of(scope);
    const source = this.sourceArn(stack);
    const conditions: Record<string, Record<string, unknown>> = {
      StringEquals: { 'aws:SourceAccount': stack.account },
    };
    if (source) conditions.ArnLike = { 'aws:SourceArn': source };
    return { kind: this.kind, assumedBy: new iam.ServicePrincipal(this.service, { conditions }) };
  }
}

class EksPodIdentityRuntime extends AgentRuntime {
  constructor(private readonly options: EksPodIdentityOptions) {
    super();
  }

  public bind(scope: Construct): AgentRuntimeConfig {
    const { serviceAccount, clusterName } = this.options;
    const namespace = renamedOption(
      scope,
      'eksPodIdentity',
      'kubernetesNamespace',
      this.options.kubernetesNamespace,
      'namespace',
      this.options.namespace,
    );
    if (namespace === undefined) {
      failAt(
        scope,
        `eksPodIdentity needs kubernetesNamespace (got none); name the Kubernetes namespace of the pods that may assume the role, e.g. { kubernetesNamespace: 'agents', serviceAccount: 'triage' }`,
      );
    }
    requireLiteralName(
      scope,
      'eksPodIdentity kubernetesNamespace',
      namespace,
      /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    );
    requireLiteralName(
      scope,
      'eksPodIdentity serviceAccount',
      serviceAccount,
      /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
    );
    const tags: Record<string, string> = {
      'aws:SourceAccount': Stack.of(scope).account,
      'aws:RequestTag/kubernetes-namespace': namespace,
      'aws:RequestTag/kubernetes-service-account': serviceAccount,
    };
    if (clusterName !== undefined) {
      requireLiteralName(
        scope,
        'eksPodIdentity clusterName',
        clusterName,
        /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/,
      );
      tags['aws:RequestTag/eks-cluster-name'] = clusterName;
    }
    const principal = new iam.ServicePrincipal('pods.eks.amazonaws.com', {
      conditions: { StringEquals: tags },
    }).withSessionTags();
    return { kind: 'eks-pod-identity', assumedBy: principal };
  }
}

class GitHubActionsRuntime extends AgentRuntime {
  constructor(private readonly options: GitHubActionsOptions) {
    super();
  }

  public bind(scope: Construct): AgentRuntimeConfig {
    const { repo, environment, provider } = this.options;
    const ref = renamedOption(scope, 'githubActions', 'gitRef', this.options.gitRef, 'ref', this.options.ref);
    requireLiteralName(scope, 'githubActions repo', repo, /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/);
    if ((ref === undefined) === (environment === undefined)) {
      failAt(
        scope,
        `githubActions needs exactly one of gitRef or environment (got ${show({ gitRef: ref, environment })}); pin the workflow to one ref like 'refs/heads/main' or one environment like 'production'`,
      );
    }
    const pin = ref !== undefined ? `ref:${ref}` : `environment:${environment}`;
    const pinned = ref ?? environment!;
    if (Token.isUnresolved(pinned) || /[*?]/.test(pinned) || pinned.length === 0) {
      failAt(
        scope,
        `githubActions ${ref !== undefined ? 'gitRef' : 'environment'} ${show(pinned)} must be one literal value without wildcards; a wildcard sub lets any branch or environment act as this agent`,
      );
    }
    if (ref !== undefined && !ref.startsWith('refs/')) {
      failAt(
        scope,
        `githubActions gitRef ${show(ref)} must be a full ref such as 'refs/heads/main' or 'refs/tags/v1'`,
      );
    }
    const providerArn =
      provider?.openIdConnectProviderArn ??
      Stack.of(scope).formatArn({
        service: 'iam',
        region: '',
        resource: 'oidc-provider',
        resourceName: GITHUB_OIDC_HOST,
      });
    const principal = new iam.WebIdentityPrincipal(providerArn, {
      StringEquals: {
        [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
        [`${GITHUB_OIDC_HOST}:sub`]: `repo:${repo}:${pin}`,
      },
    });
    return { kind: 'github-actions', assumedBy: principal };
  }
}

class AccountRuntime extends AgentRuntime {
  constructor(
    private readonly accountId: string,
    private readonly options: AccountRuntimeOptions,
  ) {
    super();
  }

  public bind(scope: Construct): AgentRuntimeConfig {
    if (!Token.isUnresolved(this.accountId) && !/^\d{12}$/.test(this.accountId)) {
      failAt(scope, `account id ${show(this.accountId)} must be 12 digits`);
    }
    const externalId = this.options?.externalId;
    if (
      externalId === undefined ||
      (!Token.isUnresolved(externalId) && !/^[\w+=,.@:/-]{2,1224}$/.test(externalId))
    ) {
      failAt(
        scope,
        `account runtime externalId ${show(externalId)} must be 2-1224 characters of letters, numbers or _+=,.@:/-; agree it with the other account's owner`,
      );
    }
    const principal = new iam.AccountPrincipal(this.accountId).withConditions({
      StringEquals: { 'sts:ExternalId': externalId },
    });
    return { kind: 'account', assumedBy: principal };
  }
}

class DelegatedRuntime extends AgentRuntime {
  constructor(
    private readonly orchestrator: IAgentIdentity,
    private readonly options: DelegationOptions,
  ) {
    super();
  }

  public bind(scope: Construct): AgentRuntimeConfig {
    const keys = this.validatedKeys(scope);
    const maxDuration = this.options.maxDuration ?? ROLE_CHAINING_LIMIT;
    if (!maxDuration.isUnresolved() && maxDuration.toSeconds() > ROLE_CHAINING_LIMIT.toSeconds()) {
      failAt(
        scope,
        `delegatedFrom maxDuration ${maxDuration.toHumanString()} exceeds the one-hour limit AWS puts on role chaining; use at most Duration.hours(1)`,
      );
    }
    const principal = new iam.ArnPrincipal(this.orchestrator.roleArn)
      .withConditions(delegationConditions(keys))
      .withSessionTags();
    return { kind: 'delegated', assumedBy: principal, maxSessionDurationCap: maxDuration };
  }

  public onRoleCreated(scope: Construct, role: iam.IRole): void {
    fenceDelegation(scope, role, this.orchestrator, this.options);
    // A policy of its own, attached to the orchestrator: written inline, the orchestrator's policy
    // (naming the worker) and the worker's trust (naming the orchestrator) would depend on each other.
    new iam.ManagedPolicy(scope, 'DelegationPolicy', {
      description: `Lets ${this.orchestrator.agentName} hand one piece of work to this agent`,
      roles: [this.orchestrator.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          resources: [role.roleArn],
          conditions: delegationConditions(this.options.sessionTags),
        }),
      ],
    });
  }

  private validatedKeys(scope: Construct): string[] {
    const keys = this.options.sessionTags ?? [];
    if (keys.length === 0) {
      failAt(
        scope,
        "delegatedFrom needs at least one session tag (e.g. sessionTags: ['ai:record']); without one the worker is not narrowed to a piece of work",
      );
    }
    for (const key of keys) {
      validateTagKey(scope, 'delegatedFrom session tag', key);
      if (AgentTagKeys.PRINCIPAL_KEYS.includes(key.toLowerCase())) {
        failAt(
          scope,
          `delegatedFrom session tag ${show(key)} would override the agent's own principal tag; choose another key such as 'ai:record'`,
        );
      }
    }
    if (new Set(keys.map((k) => k.toLowerCase())).size !== keys.length) {
      failAt(scope, `delegatedFrom session tags ${show(keys)} repeat a key (tag keys are case-insensitive)`);
    }
    return keys;
  }
}

/**
 * A worker never crosses a tenant or rises above its orchestrator's clearance unless the user says
 * why: then the crossing is a warning and an acknowledged AgentIdentity-DelegationFence finding.
 */
function fenceDelegation(
  scope: Construct,
  role: iam.IRole,
  orchestrator: IAgentIdentity,
  options: DelegationOptions,
): void {
  const worker = scope as Partial<IAgentIdentity>;
  const name = orchestrator.agentName;
  const tenantOf = (t: string | undefined) => (t === undefined ? 'platform (no tenant)' : show(t));
  const crossings: [string, string, string | undefined, string][] = [];
  if (worker.tenant !== orchestrator.tenant) {
    crossings.push([
      'CrossTenant',
      `serves tenant ${tenantOf(worker.tenant)} but its orchestrator ${show(name)} serves ${tenantOf(orchestrator.tenant)}` +
        (Token.isUnresolved(worker.tenant ?? '') || Token.isUnresolved(orchestrator.tenant ?? '')
          ? ' (a tenant given as a token cannot be compared at synth)'
          : ''),
      options.crossTenantReason,
      'crossTenantReason',
    ]);
  }
  const clearance = worker.clearance;
  if (clearance !== undefined && classificationRank(clearance) > classificationRank(orchestrator.clearance)) {
    crossings.push([
      'RaisedClearance',
      `has clearance ${show(clearance)}, above its orchestrator ${show(name)} (${show(orchestrator.clearance)})`,
      options.raisedClearanceReason,
      'raisedClearanceReason',
    ]);
  }
  for (const [kind, what, reason, prop] of crossings) {
    if (reason === undefined) {
      failAt(
        scope,
        `delegatedFrom: this worker ${what}; delegation must not widen what the orchestrator reaches. ` +
          `Give the worker the orchestrator's tenant and at most its clearance, or pass ${prop} saying why`,
      );
    }
    if (typeof reason !== 'string' || reason.trim().length < 10) {
      failAt(
        scope,
        `delegatedFrom ${prop} ${show(reason)} is too short; say in a sentence why this worker ${what}`,
      );
    }
    Annotations.of(scope).addWarningV2(
      `cdk-agent-identity:delegation-${kind === 'CrossTenant' ? 'crosses-tenant' : 'raises-clearance'}`,
      `delegated worker ${what}: ${reason}`,
    );
    acknowledgeFindings(role, { [`AgentIdentity-DelegationFence[${kind}::${name}]`]: reason });
  }
}

/** Exactly the named session tags, every one present, none transitive. */
function delegationConditions(keys: string[]): Record<string, Record<string, unknown>> {
  const required: Record<string, string> = { 'sts:TransitiveTagKeys': 'true' };
  for (const key of keys) required[`aws:RequestTag/${key}`] = 'false';
  return {
    'ForAllValues:StringEquals': { 'aws:TagKeys': [...keys] },
    Null: required,
  };
}

function requireLiteralName(scope: Construct, prop: string, value: string, pattern: RegExp): void {
  if (value === undefined || Token.isUnresolved(value) || !pattern.test(value)) {
    failAt(
      scope,
      `${prop} ${show(value)} must be a literal matching ${pattern.source}; wildcards and tokens would widen who can assume the agent`,
    );
  }
}

/**
 * The value of an option that was renamed for jsii (the old name is a reserved word in another
 * language): the new name, or the deprecated old one that TypeScript users may still pass; both is an error.
 */
function renamedOption(
  scope: Construct,
  factory: string,
  name: string,
  value: string | undefined,
  oldName: string,
  oldValue: string | undefined,
): string | undefined {
  if (value !== undefined && oldValue !== undefined) {
    failAt(
      scope,
      `${factory} got both ${name} ${show(value)} and its deprecated name ${oldName} ${show(oldValue)}; give only ${name}`,
    );
  }
  return value ?? oldValue;
}
