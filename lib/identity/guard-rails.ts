import * as iam from 'aws-cdk-lib/aws-iam';
import { ESCALATION_ACTIONS } from '../shared/escalation-actions';
import { AgentTagKeys } from '../shared/tag-keys';

/**
 * The guard rails every agent gets. Each entry is one explicit deny with a stable Sid, so a
 * reviewer (and the entitlement report) can name which rail stops what.
 */
export interface GuardRail {
  /** Stable statement id. */
  readonly sid: string;
  /** What the rail prevents, in one sentence. */
  readonly purpose: string;
  /** Denied actions (wildcards are fine in a deny: they widen it). */
  readonly actions: string[];
  /** Condition under which the deny applies; undefined = always. */
  readonly condition?: Record<string, Record<string, unknown>>;
}

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

/** The escalation paths (shared with AgentIdentityChecks), plus disabling or deleting keys. */
const ESCALATION = [...ESCALATION_ACTIONS, 'kms:ScheduleKeyDeletion', 'kms:DisableKey'];

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

/** The guard rails, in the order they appear in the policies. */
export const GUARD_RAILS: readonly GuardRail[] = [
  {
    sid: 'DenyIamWrites',
    purpose:
      'cannot change its own (or any) role, policy, permissions boundary, tags or credentials, nor pass a role',
    actions: [...IAM_WRITES, 'iam:PassRole'],
  },
  {
    sid: 'DenyPrivilegeEscalation',
    purpose:
      'cannot use the well-known privilege-escalation paths (code injection, remote commands, resource policies)',
    actions: ESCALATION,
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

/** The guard rails as deny statements. */
export function guardRailStatements(): iam.PolicyStatement[] {
  return GUARD_RAILS.map(
    (rail) =>
      new iam.PolicyStatement({
        sid: rail.sid,
        effect: iam.Effect.DENY,
        actions: [...rail.actions],
        resources: ['*'],
        conditions: rail.condition,
      }),
  );
}
