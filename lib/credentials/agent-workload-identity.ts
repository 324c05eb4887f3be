import { Token } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as iam from 'aws-cdk-lib/aws-iam';
import type {
  AgentWorkloadIdentityBinding,
  IAgentIdentity,
  IAgentWorkloadIdentity,
} from '../identity/agent-capabilities';
import { AgentCoreIdentityNames } from '../shared/agentcore-identity';
import { failAt, show } from '../shared/errors';
import { AgentTagKeys } from '../shared/tag-keys';
import { InboundJwtAuthorizer } from './inbound-jwt-authorizer';
import { directoryArn, tokenVaultWildcardArn } from './private/agentcore-arns';
import { CredentialsDeclaration, declarationOf } from './private/credentials-declaration';
import { validateAllowList, validateReason } from './private/validation';
import { UserDelegation } from './user-delegation';
import {
  RUNTIME_MANAGED,
  RUNTIME_MANAGED_AGENTS,
  RuntimeManagedIdentities,
} from '../shared/runtime-managed-identity';

/** Options of every kind of agent workload identity. */
export interface AgentWorkloadIdentityOptions {
  /**
   * Who may call the agent: the inbound JWT authorizer of its AgentCore Runtime or Gateway.
   * Listed in the evidence report; required for `UserDelegation.throughInboundJwt`.
   * @default - none declared
   */
  readonly inboundAuthorizer?: InboundJwtAuthorizer;
  /**
   * Whether and how the agent acts on behalf of signed-in users.
   * @default - the agent acts only as itself (`GetWorkloadAccessToken`, no user)
   */
  readonly actsForUsers?: UserDelegation;
}

/** Options for `AgentWorkloadIdentity.create`. */
export interface CreateAgentWorkloadIdentityOptions extends AgentWorkloadIdentityOptions {
  /**
   * HTTPS URLs a user may be sent back to after an OAuth2 consent (3LO) flow.
   * @default - none
   */
  readonly allowedReturnUrls?: string[];
}

const MIN_NAME = 3;

/**
 * The Bedrock AgentCore workload identity of one agent, and the token actions its role gets:
 * - `create()`: the agent owns a `WorkloadIdentity` named after `agentName`, tagged with its
 *   `ai:*` tags;
 * - `fromWorkloadIdentity(identity)`: the agent is given an existing one.
 *
 * The role may mint workload access tokens only for its own identity: `GetWorkloadAccessToken`
 * when the agent acts as itself; `GetWorkloadAccessTokenForJWT`, pinned to the inbound
 * authorizer's issuer and audiences or clients, when it acts for the user who called it;
 * `GetWorkloadAccessTokenForUserId` only with `UserDelegation.byUserId({ reason })`.
 */
export abstract class AgentWorkloadIdentity implements IAgentWorkloadIdentity {
  /** The agent owns a workload identity named after its `agentName`. */
  public static create(options: CreateAgentWorkloadIdentityOptions = {}): AgentWorkloadIdentity {
    return new OwnedWorkloadIdentity(options);
  }

  /** The agent is given an existing workload identity (e.g. shared infrastructure made it). */
  public static fromWorkloadIdentity(
    identity: agentcore.IWorkloadIdentity,
    options: AgentWorkloadIdentityOptions = {},
  ): AgentWorkloadIdentity {
    return new GivenWorkloadIdentity(identity, options);
  }

  /**
   * The agent runs on an AgentCore Runtime (`AgentCompute.agentCoreRuntime`) and its workload
   * identity is the one that runtime creates. AgentCore Runtime obtains the workload access token
   * itself, through its service-linked role, and hands it to the agent code with each invocation;
   * a runtime-managed identity cannot obtain tokens directly. So the role is granted no
   * `GetWorkloadAccessToken*` action, and the explicit deny `NoWorkloadAccessTokens` keeps any
   * other grant (e.g. the Runtime L2's `workload-identity/*`) from minting tokens for any identity.
   * The report shows tokens obtained by `agentcore-runtime`.
   *
   * The agent must be bound to a runtime with `AgentCompute.agentCoreRuntime` (checked at synth).
   * Token-vault grants (`grantCredentials`) need the identity's ARN in the role's policy, which
   * would make the role depend on the runtime that depends on the role; use `create()` or
   * `fromWorkloadIdentity()` for an agent that calls credential providers.
   */
  public static runtimeManaged(options: AgentWorkloadIdentityOptions = {}): AgentWorkloadIdentity {
    return new RuntimeManagedWorkloadIdentity(options);
  }

  protected constructor(protected readonly options: AgentWorkloadIdentityOptions) {}

  public abstract bindToAgent(agent: IAgentIdentity): AgentWorkloadIdentityBinding;

  /** Grants the token actions and records the declaration, common to every kind. */
  protected bindIdentity(
    agent: IAgentIdentity,
    arn: string,
    name: string,
    obtainedBy: string,
  ): AgentWorkloadIdentityBinding {
    const declaration = declarationOf(agent);
    declaration.workloadIdentity = arn;
    declaration.obtainedBy = obtainedBy;
    const issuer = this.declareInbound(agent, declaration);
    const delegation = this.options.actsForUsers;
    const resources = [directoryArn(agent), arn];
    if (delegation !== undefined) {
      if (!(delegation instanceof UserDelegation)) {
        failAt(
          agent,
          'actsForUsers needs UserDelegation.throughInboundJwt(...) or UserDelegation.byUserId(...)',
        );
      }
      const scopes = validateAllowList(agent, 'actsForUsers scopes', delegation.scopes) ?? [];
      if (delegation.via === 'inbound-jwt') {
        if (!this.options.inboundAuthorizer) {
          failAt(
            agent,
            'UserDelegation.throughInboundJwt needs inboundAuthorizer on the workload identity: the user is proven only by the JWT the agent was called with',
          );
        }
        declaration.userDelegation = { via: 'inbound-jwt', ...(issuer ? { issuer } : {}), scopes };
        if (obtainedBy === 'agent') {
          iam.Grant.addToPrincipal({
            grantee: agent,
            actions: [AgentCoreIdentityNames.GET_WORKLOAD_ACCESS_TOKEN_FOR_JWT],
            resourceArns: resources,
            conditions: this.inboundJwtConditions(issuer),
          });
        }
      } else {
        const reason = validateReason(agent, 'UserDelegation.byUserId reason', delegation.reason);
        declaration.userDelegation = { via: 'user-id', ...(issuer ? { issuer } : {}), scopes, reason };
        iam.Grant.addToPrincipal({
          grantee: agent,
          actions: [AgentCoreIdentityNames.GET_WORKLOAD_ACCESS_TOKEN_FOR_USER_ID],
          resourceArns: resources,
        });
      }
    } else if (obtainedBy === 'agent') {
      iam.Grant.addToPrincipal({
        grantee: agent,
        actions: [AgentCoreIdentityNames.GET_WORKLOAD_ACCESS_TOKEN],
        resourceArns: resources,
      });
    }
    if (obtainedBy === 'agent') this.fence(agent, arn, delegation?.via === 'user-id');
    else this.fenceRuntimeManaged(agent);
    agent.recordEntitlement({
      kind: 'workload-identity',
      description:
        `AgentCore workload identity ${Token.isUnresolved(name) ? '(generated name)' : name}` +
        (obtainedBy === 'agent' ? '' : ', tokens obtained by AgentCore Runtime') +
        (delegation ? `, acts for users (${delegation.via})` : ''),
      auditedResources: [],
    });
    return {
      workloadIdentityArn: arn,
      workloadIdentityName: name,
      obtainedBy,
      actsForUsers: delegation !== undefined,
    };
  }

  /**
   * Explicit denies that hold whatever else the role is granted (e.g. the AgentCore Runtime L2
   * grants its execution role workload tokens for every identity of the account): token and
   * token-vault actions on any workload identity but the agent's own, and
   * `GetWorkloadAccessTokenForUserId` altogether unless the agent declared it with a reason.
   */
  private fence(agent: IAgentIdentity, arn: string, userIdDeclared: boolean): void {
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        sid: 'OnlyOwnWorkloadIdentity',
        effect: iam.Effect.DENY,
        actions: [
          ...AgentCoreIdentityNames.WORKLOAD_TOKEN_ACTIONS,
          ...AgentCoreIdentityNames.TOKEN_VAULT_ACTIONS,
        ],
        notResources: [directoryArn(agent), arn, tokenVaultWildcardArn(agent)],
      }),
    );
    if (!userIdDeclared) {
      agent.addToAgentPolicy(
        new iam.PolicyStatement({
          sid: 'NoUserIdDelegation',
          effect: iam.Effect.DENY,
          actions: [AgentCoreIdentityNames.GET_WORKLOAD_ACCESS_TOKEN_FOR_USER_ID],
          resources: ['*'],
        }),
      );
    }
  }

  /**
   * A runtime-managed identity's tokens come from AgentCore Runtime, never from the role: no token
   * action on any identity, and vault actions only on the account's token vault and directory
   * resources (the identity itself has no ARN the role's policy can name without a cycle).
   */
  private fenceRuntimeManaged(agent: IAgentIdentity): void {
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        sid: 'NoWorkloadAccessTokens',
        effect: iam.Effect.DENY,
        actions: [...AgentCoreIdentityNames.WORKLOAD_TOKEN_ACTIONS],
        resources: ['*'],
      }),
    );
  }

  private declareInbound(agent: IAgentIdentity, declaration: CredentialsDeclaration): string | undefined {
    const inbound = this.options.inboundAuthorizer;
    if (inbound === undefined) return undefined;
    if (!(inbound instanceof InboundJwtAuthorizer)) {
      failAt(
        agent,
        'inboundAuthorizer needs InboundJwtAuthorizer.oidc({ discoveryUrl, allowedAudiences | allowedClients })',
      );
    }
    const issuer = inbound.issuerAt(agent);
    declaration.inboundAuthorizer = {
      discoveryUrl: inbound.discoveryUrl,
      ...(issuer !== undefined ? { issuer } : {}),
      ...(inbound.allowedAudiences ? { allowedAudiences: [...inbound.allowedAudiences] } : {}),
      ...(inbound.allowedClients ? { allowedClients: [...inbound.allowedClients] } : {}),
      ...(inbound.allowedScopes ? { allowedScopes: [...inbound.allowedScopes] } : {}),
    };
    return issuer;
  }

  /** The inbound token must come from the authorizer's issuer, for one of its audiences or clients. */
  private inboundJwtConditions(issuer: string | undefined): Record<string, Record<string, unknown>> {
    const inbound = this.options.inboundAuthorizer!;
    const conditions: Record<string, Record<string, unknown>> = {};
    const equals: Record<string, unknown> = {};
    if (issuer !== undefined) equals[AgentCoreIdentityNames.INBOUND_JWT_ISSUER_KEY] = issuer;
    if (inbound.allowedClients)
      equals[AgentCoreIdentityNames.INBOUND_JWT_CLIENT_ID_KEY] = [...inbound.allowedClients];
    if (Object.keys(equals).length > 0) conditions.StringEquals = equals;
    if (inbound.allowedAudiences) {
      conditions['ForAnyValue:StringEquals'] = {
        [AgentCoreIdentityNames.INBOUND_JWT_AUDIENCE_KEY]: [...inbound.allowedAudiences],
      };
    }
    return conditions;
  }
}

class OwnedWorkloadIdentity extends AgentWorkloadIdentity {
  constructor(private readonly createOptions: CreateAgentWorkloadIdentityOptions) {
    super(createOptions);
  }

  public bindToAgent(agent: IAgentIdentity): AgentWorkloadIdentityBinding {
    if (agent.agentName.length < MIN_NAME) {
      failAt(
        agent,
        `agentName ${show(agent.agentName)} is too short to name a workload identity (AgentCore needs at least ${MIN_NAME} characters); choose a longer agentName`,
      );
    }
    const urls = validateAllowList(agent, 'allowedReturnUrls', this.createOptions.allowedReturnUrls);
    for (const url of urls ?? []) {
      if (!Token.isUnresolved(url) && !/^https:\/\/[^\s*?]+$/.test(url)) {
        failAt(agent, `allowedReturnUrls entry ${show(url)} must be an https URL without wildcards`);
      }
    }
    const tags: Record<string, string> = { [AgentTagKeys.AGENT]: agent.agentName };
    if (agent.tenant !== undefined) tags[AgentTagKeys.TENANT] = agent.tenant;
    tags[AgentTagKeys.CLEARANCE] = agent.clearance;
    const owner = (agent as { owner?: unknown }).owner;
    if (typeof owner === 'string') tags[AgentTagKeys.OWNER] = owner;
    const identity = new agentcore.WorkloadIdentity(agent, 'WorkloadIdentity', {
      workloadIdentityName: agent.agentName,
      allowedResourceOauth2ReturnUrls: urls,
      tags,
    });
    return this.bindIdentity(agent, identity.workloadIdentityArn, identity.workloadIdentityName, 'agent');
  }
}

class GivenWorkloadIdentity extends AgentWorkloadIdentity {
  constructor(
    private readonly identity: agentcore.IWorkloadIdentity,
    options: AgentWorkloadIdentityOptions,
  ) {
    super(options);
  }

  public bindToAgent(agent: IAgentIdentity): AgentWorkloadIdentityBinding {
    const arn = this.identity?.workloadIdentityArn;
    if (typeof arn !== 'string' || (!Token.isUnresolved(arn) && /[*?]/.test(arn))) {
      failAt(
        agent,
        `fromWorkloadIdentity needs one workload identity with an exact ARN, got ${show(arn)}; a wildcard would reach other agents' identities`,
      );
    }
    return this.bindIdentity(agent, arn, this.identity.workloadIdentityName, 'agent');
  }
}

class RuntimeManagedWorkloadIdentity extends AgentWorkloadIdentity {
  public bindToAgent(agent: IAgentIdentity): AgentWorkloadIdentityBinding {
    const runtimeKind = (agent as { runtimeKind?: unknown }).runtimeKind;
    if (runtimeKind !== 'agentcore-runtime') {
      failAt(
        agent,
        `AgentWorkloadIdentity.runtimeManaged() is the identity an AgentCore Runtime creates, but agent ${show(agent.agentName)} runs on ${show(runtimeKind)}; ` +
          'create the agent with runtime: AgentRuntime.agentCoreRuntime(), or use AgentWorkloadIdentity.create()',
      );
    }
    if (this.options.actsForUsers instanceof UserDelegation && this.options.actsForUsers.via === 'user-id') {
      failAt(
        agent,
        'UserDelegation.byUserId cannot apply to a runtime-managed workload identity: AgentCore Runtime obtains the tokens, for the user its caller names ' +
          '(bedrock-agentcore:InvokeAgentRuntimeForUser, granted to the caller); use UserDelegation.throughInboundJwt or AgentWorkloadIdentity.create()',
      );
    }
    const binding = this.bindIdentity(agent, RUNTIME_MANAGED, RUNTIME_MANAGED, 'agentcore-runtime');
    RUNTIME_MANAGED_AGENTS.add(agent);
    agent.node.addValidation({
      validate: () =>
        RuntimeManagedIdentities.isBound(agent)
          ? []
          : [
              `agent ${show(agent.agentName)} has a runtime-managed workload identity but runs on no AgentCore Runtime; ` +
                'bind it with AgentCompute.agentCoreRuntime(scope, id, agent, runtimeProps), or use AgentWorkloadIdentity.create()',
            ],
    });
    return binding;
  }
}
