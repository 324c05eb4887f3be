import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { DataClassification } from './data-classification';

/**
 * A resource that CloudTrail can record data events for, named by an entitlement so that an
 * audit trail can add an event selector for exactly what an agent was granted.
 */
export interface AuditedResource {
  /** The CloudTrail data resource type, e.g. `AWS::S3::Object` or `AWS::DynamoDB::Table`. */
  readonly resourceType: string;
  /** ARN (or ARN prefix) of the resource; may be a token. */
  readonly arn: string;
}

/** One thing an agent was granted, recorded for the audit trail and the evidence report. */
export interface AgentEntitlement {
  /** What kind of entitlement: `data`, `model`, `secret`, `knowledge-base`, `agent`, ... */
  readonly kind: string;
  /** A one-line human description, e.g. `READ s3 bucket inbox (prefix inbox/support/)`. */
  readonly description: string;
  /** The resources CloudTrail should record data events for. */
  readonly auditedResources: AuditedResource[];
}

/** The identity of one AI agent, as other parts of the library see it. */
export interface IAgentIdentity extends iam.IGrantable, IConstruct {
  /** The agent's name; also the value of its `ai:agent` tag. */
  readonly agentName: string;
  /** The role the agent runs as. */
  readonly role: iam.IRole;
  /** ARN of the role the agent runs as. */
  readonly roleArn: string;
  /** Name of the role the agent runs as (may be a token). */
  readonly roleName: string;
  /** The tenant the agent serves; undefined for a platform agent that serves no tenant. */
  readonly tenant?: string;
  /** The highest data classification the agent may touch. */
  readonly clearance: DataClassification;
  /** Everything this agent has been granted through the library, in grant order. */
  readonly entitlements: AgentEntitlement[];
  /**
   * The agent's Bedrock AgentCore workload identity, once it has one.
   * @default - none
   */
  readonly workloadIdentity?: AgentWorkloadIdentityBinding;
  /** Adds a statement to the agent's own inline policy (what grants through the library use). */
  addToAgentPolicy(statement: iam.PolicyStatement): void;
  /** Records an entitlement; called by stores, models and secrets when they grant to this agent. */
  recordEntitlement(entitlement: AgentEntitlement): void;
}

/** An access level for a data grant (implemented by `DataAccess`). */
export interface IDataAccess {
  /** The level's name, e.g. `READ`. */
  readonly level: string;
}

/** A data store an agent can be granted access to (implemented by `DataStore`). */
export interface IAgentDataStore {
  /** Grants `agent` the given access to this store and returns the grant. */
  grantToAgent(agent: IAgentIdentity, access: IDataAccess): iam.Grant;
}

/** Options for a model grant. */
export interface AgentModelGrantOptions {
  /**
   * Guardrail every invocation must carry.
   * @default - no guardrail is pinned
   */
  readonly guardrail?: IAgentGuardrail;
  /**
   * Whether streaming invocation (`InvokeModelWithResponseStream`, ConverseStream) is allowed.
   * @default true
   */
  readonly streaming?: boolean;
}

/** A model an agent can be granted to invoke (implemented by `BedrockModel`). */
export interface IAgentModel {
  /** Grants `agent` invocation of this model and returns the grant. */
  grantInvokeToAgent(agent: IAgentIdentity, options?: AgentModelGrantOptions): iam.Grant;
}

/** A guardrail pinned on an agent's model invocations (implemented by `GuardrailPin`). */
export interface IAgentGuardrail {
  /** Adds the pin (allow with the guardrail, deny without it) for `models` to `agent`. */
  pinForAgent(agent: IAgentIdentity, models: IAgentModel[], options: AgentModelGrantOptions): iam.Grant;
}

/** An audit trail that records agents' actions (implemented by `AgentAuditTrail`). */
export interface IAgentAuditTrail {
  /** Starts recording `agent`: its data events and its use of granted resources. */
  recordAgent(agent: IAgentIdentity): void;
}

/** The AgentCore workload identity an agent is bound to (what `IAgentWorkloadIdentity` produces). */
export interface AgentWorkloadIdentityBinding {
  /** ARN of the workload identity (may be a token). */
  readonly workloadIdentityArn: string;
  /** Name of the workload identity (may be a token). */
  readonly workloadIdentityName: string;
  /**
   * Who obtains workload access tokens for it: `agent` (the agent's role calls
   * `GetWorkloadAccessToken*` itself) or `agentcore-runtime` (AgentCore Runtime does, and the
   * role is granted none).
   */
  readonly obtainedBy: string;
  /**
   * Whether the agent may act for users (user-delegated OAuth2 tokens).
   * @default false
   */
  readonly actsForUsers?: boolean;
}

/**
 * An AgentCore workload identity an agent can own or be given (implemented by
 * `AgentWorkloadIdentity` in the credentials folder).
 */
export interface IAgentWorkloadIdentity {
  /** Creates or names the workload identity of `agent` and grants its role the token actions it needs. */
  bindToAgent(agent: IAgentIdentity): AgentWorkloadIdentityBinding;
}

/** Options for `AgentIdentity.grantCredentials`. */
export interface AgentCredentialGrantOptions {
  /**
   * OAuth2 scopes the agent may request from the provider; listed in the evidence report. Only
   * for OAuth2 providers.
   * @default - no scopes declared
   */
  readonly scopes?: string[];
}

/**
 * An outbound credential provider of the AgentCore token vault that an agent can be granted
 * (implemented by `CredentialProvider` in the credentials folder).
 */
export interface IAgentCredentialProvider {
  /** Grants `agent` tokens (or the API key) of this provider for its own workload identity only. */
  grantToAgent(agent: IAgentIdentity, options: AgentCredentialGrantOptions): iam.Grant;
}
