import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity, AgentRuntime } from '../../lib';
import { PERMISSIONS_GUARDRAILS } from '../../lib/identity/private/permissions-guardrails';
import { ESCALATION_ACTIONS, ESCALATION_EXCLUSIONS } from '../../lib/shared/escalation-actions';
import { catalogServices, serviceActions } from '../../lib/shared/iam-catalog';
import { patternRegExp } from '../../lib/checks/private/policy';
import { agentRoleId, rolePolicies, simulate } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';
import { agentApp, check, findingsFor } from '../checks/fixtures';

/**
 * Attacker: an agent that may act as another identity (run code under another role, rewrite what a
 * role runs, open a resource policy) has more than its own grants. Every such action must be both
 * reported by AgentIdentity-NoPrivilegeEscalation and explicitly denied by the permissions guardrails — and the
 * list must be derived from the IAM catalog, so a path AWS labels "Permissions management" cannot be
 * missing because nobody thought of it.
 */

const RULE = 'NoPrivilegeEscalation';
const REGION = 'us-east-1';
const ACCOUNT = '111111111111';

/** The paths named in the issue, each with a resource it would be used on. */
const PATHS: [string, string][] = [
  ['cloudformation:UpdateStack', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/ops/1`],
  ['cloudformation:CreateChangeSet', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/ops/1`],
  ['cloudformation:ExecuteChangeSet', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/ops/1`],
  ['codebuild:StartBuild', `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/deploy`],
  ['states:UpdateStateMachine', `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:payouts`],
  ['ssm:StartAutomationExecution', `arn:aws:ssm:${REGION}:${ACCOUNT}:automation-definition/Fix:1`],
  ['ec2:ModifyInstanceAttribute', `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`],
  ['kms:CreateGrant', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
  ['sqs:SetQueueAttributes', `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs`],
  ['sqs:AddPermission', `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs`],
  ['sns:SetTopicAttributes', `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`],
  ['sns:AddPermission', `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`],
  ['s3:PutBucketAcl', 'arn:aws:s3:::data'],
  ['s3:PutObjectAcl', 'arn:aws:s3:::data/x'],
  ['ecr:SetRepositoryPolicy', `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/agent`],
  ['logs:PutResourcePolicy', '*'],
  ['logs:PutMetricFilter', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:trail`],
  ['cloudwatch:PutMetricAlarm', `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:root-use`],
  ['secretsmanager:CancelRotateSecret', `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:key-AbCdEf`],
  [
    'bedrock-agentcore:InvokeCodeInterpreter',
    `arn:aws:bedrock-agentcore:${REGION}:${ACCOUNT}:code-interpreter-custom/sandbox-AbCdEf1234`,
  ],
];

describe('escalation: the issue’s paths are reported by the rule', () => {
  test.each(PATHS)('an agent allowed %s is a finding', (action, resource) => {
    // GIVEN an agent granted one escalation path by hand
    const { app, agent } = agentApp();
    agent.addToAgentPolicy(new iam.PolicyStatement({ actions: [action], resources: [resource] }));
    // WHEN the pack runs / THEN it names the action
    expect(findingsFor(check(app), RULE)).toContain(`Action::${action}`);
  });

  test('`?` in an action counts as a wildcard', () => {
    // GIVEN a hand-written policy (the CDK's PolicyStatement refuses '?', CloudFormation does not)
    const { app, stack, agent } = agentApp();
    new iam.CfnPolicy(stack, 'Raw', {
      policyName: 'raw',
      roles: [agent.role.roleName],
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'cloudformation:UpdateStac?',
            Resource: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/ops/1`,
          },
        ],
      },
    });
    expect(findingsFor(check(app), RULE)).toEqual(['Action::cloudformation:UpdateStac?']);
  });

  test('sts:AssumeRole on a role ARN with `?` is a finding', () => {
    const { app, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        resources: [`arn:aws:iam::${ACCOUNT}:role/adm?n`],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual(['Action::sts:AssumeRole']);
  });

  test('sts:AssumeRole on a role that is not an agent is a finding', () => {
    const { app, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        resources: [`arn:aws:iam::${ACCOUNT}:role/admin`],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual(['Action::sts:AssumeRole']);
  });

  test('sts:AssumeRole on an agent of another tenant is a finding; of the same tenant it is not', () => {
    const { app, stack, agent } = agentApp();
    const same = new AgentIdentity(stack, 'Same', {
      agentName: 'same-tenant',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
      owner: 'team@example.com',
    });
    const other = new AgentIdentity(stack, 'Other', {
      agentName: 'other-tenant',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'globex',
      owner: 'team@example.com',
    });
    agent.addToAgentPolicy(
      new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [same.roleArn] }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([]);
    agent.addToAgentPolicy(
      new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [other.roleArn] }),
    );
    expect(findingsFor(check(app), RULE)).toEqual(['Action::sts:AssumeRole']);
  });
});

describe('escalation: the permissions guardrails deny every path, whatever is granted', () => {
  const { stack } = newStack();
  const agent = new AgentIdentity(stack, 'Agent', {
    agentName: 'over-granted',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    boundaryOptOutReason: 'only the permissions-guardrail policies are tested here',
  });
  agent.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
  const template = Template.fromStack(stack).toJSON();
  const role = rolePolicies(template, agentRoleId(template, 'over-granted'));

  test.each(PATHS)('%s is explicitly denied', async (action, resource) => {
    expect(await simulate(role, { action, resource })).toBe('ExplicitlyDenied');
  });
});

describe('escalation: the list is derived from the IAM catalog', () => {
  const catalog = catalogServices().flatMap((service) =>
    [...serviceActions(service)!.values()].map((a) => ({
      action: `${service}:${a.name}`,
      accessLevel: a.accessLevel,
    })),
  );
  const permissionsManagement = catalog
    .filter((a) => a.accessLevel.includes('Permissions management'))
    .map((a) => a.action)
    .filter((a) => !ESCALATION_EXCLUSIONS.some((e) => e.action === a));
  const listed = new Set(ESCALATION_ACTIONS.map((a) => a.toLowerCase()));
  const denyPatterns = PERMISSIONS_GUARDRAILS.filter((r) => r.condition === undefined).flatMap((r) =>
    r.actions.map(patternRegExp),
  );

  test('every "Permissions management" action of the catalog is on the list (less the reviewed exclusions)', () => {
    const missing = permissionsManagement.filter((a) => !listed.has(a.toLowerCase()));
    expect(missing).toEqual([]);
  });

  test('every action on the list is denied unconditionally by a permissions guardrail', () => {
    const uncovered = ESCALATION_ACTIONS.filter((a) => !denyPatterns.some((p) => p.test(a)));
    expect(uncovered).toEqual([]);
  });
});
