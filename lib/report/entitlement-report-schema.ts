/**
 * The shape of `agent-entitlements.json`, schema version 2 (documented in lib/report/SCHEMA.md).
 *
 * These are the file-format types: they keep `null` where the file writes `null`. They are
 * TypeScript-only and not part of the jsii API (the entry point does not export them); the jsii
 * API hands the report out as `EntitlementReport` with its JSON from `toJson()`. TypeScript users
 * import these types from `cdk-agent-identity/dist/lib/report/report-format`.
 *
 * Every value that was an unresolved CloudFormation intrinsic in the template is rendered as a
 * readable placeholder: `${LogicalId}` for a Ref, `${LogicalId.Attribute}` for a GetAtt,
 * `${AWS::Partition}` for a pseudo parameter. Policy variables such as `${aws:PrincipalTag/ai:tenant}`
 * are kept as IAM writes them. Lists are sorted so that two reports of the same app are identical.
 */

/** The schema version this library writes. */
export const ENTITLEMENT_REPORT_SCHEMA_VERSION = 2;

/**
 * Every schema version this library reads. Version 1 named the permissions guardrails `guardRails`
 * / `missingGuardRails` and the guardrail pins `guardrails`; it is upgraded on reading.
 */
export const READABLE_ENTITLEMENT_REPORT_SCHEMA_VERSIONS: readonly number[] = [1, 2];

/** Name of the program that writes the report, recorded in `generator`. */
export const ENTITLEMENT_REPORT_GENERATOR = 'cdk-agent-identity';

/** Conditions of a policy statement: operator → condition key → values (always a list). */
export type ConditionMap = Record<string, Record<string, string[]>>;

/** Access level of a data action, judged by its name. */
export enum AccessLevel {
  /** Reads data: Get*, List*, Describe*, Query, Scan, Receive*, Decrypt, ... */
  READ = 'read',
  /** Changes data: Put*, Update*, Send*, Publish, Encrypt, GenerateDataKey*, ... */
  WRITE = 'write',
  /** Removes data: Delete*, BatchDelete*, Purge*, Remove*. */
  DELETE = 'delete',
}

/** Part of one Allow statement that falls on one entry (a store, a model, a secret, ...). */
export interface ScopedGrant {
  /** Actions as written in the policy (wildcards kept), sorted. */
  readonly actions: string[];
  /** The statement's resources that fall on this entry, sorted. */
  readonly resources: string[];
  /**
   * Set when the statement used NotAction: the actions it excludes. `actions` is then `['*']`.
   * @default - the statement used Action
   */
  readonly notActions?: string[];
  /** The statement's conditions; empty when it has none. */
  readonly conditions: ConditionMap;
  /** Where the statement lives, e.g. `inline policy AgentAccess` or `AWS::IAM::Policy RoleDefaultPolicy`. */
  readonly source: string;
  /**
   * The statement's Sid.
   * @default - none
   */
  readonly sid?: string;
}

/** One trust statement of the role: who may assume it and under which conditions. */
export interface TrustGrant {
  /** Principals as `Service:lambda.amazonaws.com`, `AWS:<arn>`, `Federated:<provider>` or `*`. */
  readonly principals: string[];
  /** Actions, e.g. `sts:AssumeRole`, `sts:TagSession`. */
  readonly actions: string[];
  /** Conditions; empty when none. */
  readonly conditions: ConditionMap;
}

/** A data store the agent reaches. */
export interface DataStoreEntitlement {
  /** The store, e.g. `${Bucket.Arn}` or `arn:${AWS::Partition}:dynamodb:us-east-1:111111111111:table/orders`. */
  readonly store: string;
  /** Service prefix of the actions, e.g. `s3`. */
  readonly service: string;
  /** Access levels the actions amount to, in the order read, write, delete. */
  readonly access: AccessLevel[];
  /** Every action granted on the store, sorted. */
  readonly actions: string[];
  /** The statements, with their resources inside the store and their conditions. */
  readonly grants: ScopedGrant[];
}

/** A Bedrock resource the agent may use: model, inference profile, knowledge base, agent alias, ... */
export interface ModelEntitlement {
  /** The resource as written in the policy. */
  readonly resource: string;
  /** Bedrock resource type, e.g. `foundation-model`, `inference-profile`, `knowledge-base`, `agent-alias`. */
  readonly kind: string;
  /** Every action granted on it, sorted. */
  readonly actions: string[];
  /** The statements, with their conditions. */
  readonly grants: ScopedGrant[];
}

/** A statement that pins a guardrail through the `bedrock:GuardrailIdentifier` condition key. */
export interface GuardrailPinEntitlement {
  /** `Allow` (invocation allowed with the guardrail) or `Deny` (denied without it). */
  readonly effect: string;
  /** The condition operator, e.g. `StringEquals`, `StringNotEquals`, `Null`. */
  readonly operator: string;
  /** The guardrail identifiers the condition names (for `Null`: `true` / `false`). */
  readonly guardrails: string[];
  /** Actions of the statement. */
  readonly actions: string[];
  /** Resources of the statement. */
  readonly resources: string[];
  /** Where the statement lives. */
  readonly source: string;
}

/** Rotation of a secret, from an `AWS::SecretsManager::RotationSchedule` in the templates. */
export interface SecretRotationInfo {
  /** Stack and logical id of the rotation schedule. */
  readonly schedule: string;
  /**
   * Days between rotations.
   * @default - not set (see scheduleExpression)
   */
  readonly automaticallyAfterDays?: number;
  /**
   * Schedule expression, e.g. `rate(30 days)`.
   * @default - not set
   */
  readonly scheduleExpression?: string;
  /**
   * The rotation function (or `hosted:<type>` for a hosted rotation Lambda).
   * @default - not set
   */
  readonly rotatedBy?: string;
}

/** A secret the agent reaches. */
export interface SecretEntitlement {
  /** The secret as written in the policy. */
  readonly secret: string;
  /** Whether the agent may read its value (`secretsmanager:GetSecretValue`). */
  readonly reads: boolean;
  /** Every Secrets Manager action granted on it, sorted. */
  readonly actions: string[];
  /** The statements, with their conditions. */
  readonly grants: ScopedGrant[];
  /** Its rotation; null when no rotation schedule in the templates rotates it. */
  readonly rotation: SecretRotationInfo | null;
}

/** An explicit deny that applies to the agent. */
export interface DenyEntitlement {
  /**
   * The statement's Sid; the permissions guardrails of this library carry stable Sids.
   * @default - none
   */
  readonly sid?: string;
  /** Denied actions (or the excluded ones when `notActions` is set). */
  readonly actions: string[];
  /**
   * Set when the deny used NotAction.
   * @default - it used Action
   */
  readonly notActions?: string[];
  /** Resources. */
  readonly resources: string[];
  /** Conditions; empty when the deny always applies. */
  readonly conditions: ConditionMap;
  /** Where the statement lives. */
  readonly source: string;
}

/** The permissions boundary of the role. */
export interface BoundaryEntitlement {
  /** The boundary policy (logical id placeholder or ARN). */
  readonly policy: string;
  /** Whether its document was in the templates (an AWS-managed or imported boundary is not). */
  readonly readable: boolean;
  /** What the boundary allows at most. */
  readonly allows: ScopedGrant[];
  /** Its explicit denies. */
  readonly denies: DenyEntitlement[];
}

/** A managed policy attached to the role. */
export interface ManagedPolicyAttachment {
  /** The policy (logical id placeholder or ARN). */
  readonly policy: string;
  /** Whether its document was in the templates and so is part of this report. */
  readonly readable: boolean;
}

/** A trail that records the agent. */
export interface AuditCoverage {
  /** `<stack>/<logicalId>` of the trail. */
  readonly trail: string;
  /** `selects-agent` (an advanced event selector names the role) or `multi-region` (records every principal). */
  readonly scope: string;
  /** `true` when the trail is an `AgentAuditTrail` in sandbox mode (short, removable: not production evidence); absent otherwise. */
  readonly sandbox?: boolean;
}

/** An acknowledged (suppressed) finding, with its reason. */
export interface AcknowledgedFinding {
  /** Rule id as cdk-nag matches it (the `Annotation::` prefix removed), e.g. `AgentIdentityChecks-NoOwner`. */
  readonly ruleId: string;
  /** Why it was acknowledged. */
  readonly reason: string;
  /** Construct path the acknowledgement was made on (empty for the app). */
  readonly acknowledgedAt: string;
}

/**
 * A tool the agent may call through an AgentCore Gateway: one Cedar permit of the gateway's
 * policy engine, attributed to the agent, with every condition and forbid that applies to it.
 */
export interface ToolEntitlement {
  /** The gateway, `<stack>/<logicalId>`. */
  readonly gateway: string;
  /** The Cedar action id of the tool, `<target>___<tool>`. */
  readonly tool: string;
  /** The policy engine's mode on the gateway: `ENFORCE`, `LOG_ONLY` (decisions only logged) or `none`. */
  readonly mode: string;
  /** How the agent is recognised as the caller, e.g. `JWT sub complaint-agent` or `sessions of role ${AgentRole}`. */
  readonly caller: string;
  /** The permit's conditions as Cedar (`when { ... }`, `unless { ... }`), including the one that names the caller. */
  readonly conditions: string[];
  /**
   * Whether the call is permitted only under conditions beyond naming the caller: a declared
   * `when` / `unless` (from the policy's metadata), or a forbid that applies.
   */
  readonly conditional: boolean;
  /** Forbids on the same gateway and tool that apply to the agent or to every caller, as `<reason>: when { ... }`. */
  readonly forbids: string[];
  /** The permit, `<stack>/<logicalId>`. */
  readonly policy: string;
}

/**
 * Part of an Allow statement of a resource policy whose principal is the agent's role or one of its
 * sessions: a bucket, key, queue, topic, secret or table policy, a Lambda permission, another role's
 * trust policy, or any other resource whose properties hold a policy document. `resources` is the
 * statement's `Resource`, or the resource holding the policy when the statement has none or `*`.
 */
export interface ResourcePolicyGrant extends ScopedGrant {
  /** `<stack>/<logicalId>` of the resource that holds the policy, e.g. `Data/SharedBucketPolicy1A2B3C4D`. */
  readonly sourceResource: string;
  /** CloudFormation type of that resource, e.g. `AWS::S3::BucketPolicy`. */
  readonly sourceType: string;
  /** The principal as written: the role's ARN, or one of its session ARNs. */
  readonly principal: string;
}

/** A policy that may grant an agent access through a reference the reader cannot follow. */
export interface UnattributedPolicy {
  /** `<stack>/<logicalId>` of the resource holding the policy. */
  readonly resource: string;
  /** CloudFormation type of that resource. */
  readonly type: string;
  /** The property holding the reference: `Roles`, `RoleName`, `Principal`, `NotPrincipal` or `PolicyDocument`. */
  readonly property: string;
  /** The reference, rendered. */
  readonly value: string;
  /** Why it cannot be attributed. */
  readonly reason: string;
}

/** Everything one agent (a role tagged `ai:agent`) is entitled to. */
export interface AgentEntitlementRecord {
  /** Value of the `ai:agent` tag. */
  readonly agentName: string;
  /** Stack that holds the role. */
  readonly stackName: string;
  /** Logical id of the role. */
  readonly roleLogicalId: string;
  /** Construct path of the role; null when unknown. */
  readonly constructPath: string | null;
  /** Role name (literal, or a placeholder when CloudFormation names it). */
  readonly roleName: string;
  /** Runtimes derived from the trust principals, e.g. `lambda`, `github-actions`, `delegated-from:orchestrator`. */
  readonly runtime: string[];
  /** Trust statements. */
  readonly trust: TrustGrant[];
  /** Value of `ai:tenant`; null for a platform agent. */
  readonly tenant: string | null;
  /** Value of `ai:clearance`; null when untagged. */
  readonly clearance: string | null;
  /** Value of `ai:owner`; null when untagged. */
  readonly owner: string | null;
  /** MaxSessionDuration in seconds (IAM's default 3600 when unset); null when a token. */
  readonly maxSessionDurationSeconds: number | null;
  /** Data stores, sorted by store. */
  readonly dataStores: DataStoreEntitlement[];
  /** Bedrock models, profiles, knowledge bases, agent aliases, guardrails, sorted. */
  readonly models: ModelEntitlement[];
  /** Bedrock guardrail pins (statements conditioned on `bedrock:GuardrailIdentifier`); `guardrails` in schema version 1. */
  readonly guardrailPins: GuardrailPinEntitlement[];
  /** Secrets, sorted. */
  readonly secrets: SecretEntitlement[];
  /** Allow statements that are none of the above (e.g. `sqs`, `sts`, `cloudwatch`). */
  readonly otherPermissions: ScopedGrant[];
  /** Explicit denies in the identity policies (permissions guardrails and others). */
  readonly denies: DenyEntitlement[];
  /** Sids of this library's permissions guardrails present among the denies; `guardRails` in schema version 1. */
  readonly permissionsGuardrails: string[];
  /** Sids of this library's permissions guardrails missing from the denies; `missingGuardRails` in schema version 1. */
  readonly missingPermissionsGuardrails: string[];
  /** Permissions boundary; null when the role has none. */
  readonly permissionsBoundary: BoundaryEntitlement | null;
  /** Managed policies attached to the role. */
  readonly managedPolicies: ManagedPolicyAttachment[];
  /** Trails that record the agent; empty when none does. */
  readonly auditTrails: AuditCoverage[];
  /** Acknowledged findings that apply to the role or its policies. */
  readonly acknowledgedFindings: AcknowledgedFinding[];
  /**
   * Tools the agent may call through AgentCore Gateways, from the Cedar policies of their policy
   * engines, sorted by gateway and tool.
   * @default - absent when the agent is granted no tools
   */
  readonly tools?: ToolEntitlement[];
  /**
   * Grants to the agent made by resource policies naming its role or sessions, sorted; the field is
   * present only when there is at least one.
   * @default - none
   */
  readonly resourcePolicyGrants?: ResourcePolicyGrant[];
  /**
   * The agent's identity beyond IAM: AgentCore workload identities, token-vault credential
   * providers and scopes, web identity tokens, inbound authorizer and user delegation.
   * @default - absent when the agent has none of these
   */
  readonly credentials?: CredentialEntitlements;
}

/** A workload identity the agent may mint workload access tokens for. */
export interface WorkloadIdentityEntitlement {
  /** The workload identity as written in the policy. */
  readonly identity: string;
  /** The token actions granted on it (`GetWorkloadAccessToken`, `...ForJWT`, `...ForUserId`), sorted. */
  readonly actions: string[];
  /** Conditions of the grants (e.g. the inbound JWT issuer and audiences), merged. */
  readonly conditions: ConditionMap;
}

/** A token-vault credential provider the agent may fetch tokens or an API key from. */
export interface CredentialProviderEntitlement {
  /** The provider as written in the policy. */
  readonly provider: string;
  /** `oauth2`, `api-key`, or `unknown` when undeclared and not recognizable. */
  readonly kind: string;
  /** `client-credentials` or `user-delegated`; null when not declared. */
  readonly flow: string | null;
  /** The OAuth2 scopes the agent may request, as declared; empty when none. */
  readonly scopes: string[];
  /** The token-vault actions granted, sorted. */
  readonly actions: string[];
  /** The workload identities named in the same grants. */
  readonly workloadIdentities: string[];
}

/** An AWS-signed JWT the agent may obtain (`sts:GetWebIdentityToken`). */
export interface WebIdentityTokenEntitlement {
  /** Audiences it may request; `['*']` when not pinned. */
  readonly audiences: string[];
  /** Longest lifetime it may request, in seconds; null when not bounded. */
  readonly maxDurationSeconds: number | null;
}

/** The inbound JWT authorizer declared with the agent: who may call it. */
export interface InboundAuthorizerEntitlement {
  /** OpenID discovery URL. */
  readonly discoveryUrl: string;
  /** Issuer of accepted tokens; null when unknown. */
  readonly issuer: string | null;
  /** Allowed audiences; empty when not checked. */
  readonly allowedAudiences: string[];
  /** Allowed client ids; empty when not checked. */
  readonly allowedClients: string[];
  /** Allowed scopes; empty when not checked. */
  readonly allowedScopes: string[];
}

/** How the agent acts on behalf of users. */
export interface UserDelegationEntitlement {
  /** `inbound-jwt` (the caller's token) or `user-id` (a user named by id). */
  readonly via: string;
  /** The issuer of the users' tokens; null when unknown. */
  readonly issuer: string | null;
  /** The scopes the agent acts with. */
  readonly scopes: string[];
  /** The stated reason (for `user-id`); null otherwise. */
  readonly reason: string | null;
  /** One line, e.g. `acts for users of https://idp.example.com, scopes crm.write`. */
  readonly summary: string;
}

/** Everything of the agent's identity beyond IAM. */
export interface CredentialEntitlements {
  /** Who obtains the workload access tokens: `agent`, `agentcore-runtime`; null when undeclared. */
  readonly obtainedBy: string | null;
  /** Workload identities the role may mint tokens for, sorted. */
  readonly workloadIdentities: WorkloadIdentityEntitlement[];
  /** Credential providers, sorted. */
  readonly providers: CredentialProviderEntitlement[];
  /** Web identity tokens, sorted. */
  readonly webIdentityTokens: WebIdentityTokenEntitlement[];
  /** The inbound authorizer; null when none is declared. */
  readonly inboundAuthorizer: InboundAuthorizerEntitlement | null;
  /** User delegation; null when the agent acts only as itself. */
  readonly userDelegation: UserDelegationEntitlement | null;
}

/** The whole report: `agent-entitlements.json`. */
export interface EntitlementReportJson {
  /** `2` for this shape (a version-1 file is upgraded on reading). */
  readonly schemaVersion: number;
  /** `cdk-agent-identity`. */
  readonly generator: string;
  /** Every agent of the app, sorted by name then stack. */
  readonly agents: AgentEntitlementRecord[];
  /** Every acknowledgement in the app, whether or not it concerns an agent. */
  readonly acknowledgements: AcknowledgedFinding[];
  /**
   * Policies that may reach an agent through a reference the reader cannot follow (the checks
   * report each as `AgentIdentity-AttributablePolicies`); present only in an app with agents and
   * at least one such policy.
   * @default - none
   */
  readonly unattributedPolicies?: UnattributedPolicy[];
}
