import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { actionExists } from '../../lib/shared/iam-catalog';
import { ACCOUNT, PARTITION, REGION } from '../../test/helpers/resolve';
import { RolePolicies, agentRoleId, rolePolicies, simulate } from '../../test/helpers/simulate';
import { describeRulePackTests } from '../_shared/standard-tests';
import { EXAMPLE_ENV } from '../_shared/example-env';
import { AGENTS, LendingModelStack, MODEL_GROUP, buildApp } from './app';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const CREATE = 'sagemaker:CreateModelPackage';
const UPDATE = 'sagemaker:UpdateModelPackage';
const version = (group: string, n: number) =>
  `arn:${PARTITION}:sagemaker:${REGION}:${ACCOUNT}:model-package/${group}/${n}`;
const status = (s?: string): Record<string, string> =>
  s === undefined ? {} : { 'sagemaker:ModelApprovalStatus': s };

function synth(): { app: App; stack: LendingModelStack } {
  const app = new App();
  const [stack] = buildApp(app) as [LendingModelStack];
  return { app, stack };
}
function roleOf(stack: LendingModelStack, agentName: string): RolePolicies {
  const template = Template.fromStack(stack).toJSON();
  return rolePolicies(template, agentRoleId(template, agentName));
}

// GIVEN the lending model app
const { app, stack } = synth();
const roles = { trainer: roleOf(stack, AGENTS.trainer), approver: roleOf(stack, AGENTS.approver) };
type Who = keyof typeof roles;

describe('lending model: no single identity can register and approve a model version', () => {
  test.each<[Who, string, string, string]>([
    ['trainer', CREATE, 'PendingManualApproval', 'Allowed'],
    ['trainer', CREATE, 'Approved', 'ImplicitlyDenied'],
    ['trainer', UPDATE, 'Approved', 'ExplicitlyDenied'],
    ['trainer', UPDATE, 'Rejected', 'ExplicitlyDenied'],
    ['approver', UPDATE, 'Approved', 'Allowed'],
    ['approver', UPDATE, 'Rejected', 'Allowed'],
    ['approver', CREATE, 'PendingManualApproval', 'ExplicitlyDenied'],
    ['approver', CREATE, 'Approved', 'ExplicitlyDenied'],
  ])('%s %s with status %s is %s', async (who, action, approvalStatus, expected) => {
    // WHEN the agent acts on a version of the production model group
    const decision = await simulate(roles[who], {
      action,
      resource: version(MODEL_GROUP, 7),
      context: status(approvalStatus),
    });
    // THEN IAM decides as the segregation of duties requires
    expect(decision).toBe(expected);
  });

  test.each<[Who]>([['trainer'], ['approver']])('%s cannot do both duties', async (who) => {
    // WHEN we ask whether the agent can register a version AND approve one
    const canRegister = await simulate(roles[who], {
      action: CREATE,
      resource: version(MODEL_GROUP, 8),
      context: status('PendingManualApproval'),
    });
    const canApprove = await simulate(roles[who], {
      action: UPDATE,
      resource: version(MODEL_GROUP, 8),
      context: status('Approved'),
    });
    // THEN exactly one of the two is allowed
    expect([canRegister, canApprove].filter((d) => d === 'Allowed')).toHaveLength(1);
  });

  test('the approver may only set an approval status, not change a version otherwise', async () => {
    // WHEN the approver updates a version without an approval status (e.g. its inference spec)
    const decision = await simulate(roles.approver, { action: UPDATE, resource: version(MODEL_GROUP, 7) });
    // THEN it is denied
    expect(decision).toBe('ImplicitlyDenied');
  });

  test.each<[Who, string]>([
    ['trainer', CREATE],
    ['approver', UPDATE],
  ])('%s is limited to the production group (%s on another group is denied)', async (who, action) => {
    const decision = await simulate(roles[who], {
      action,
      resource: version('marketing-churn', 1),
      context: status(action === CREATE ? 'PendingManualApproval' : 'Approved'),
    });
    expect(decision).toBe('ImplicitlyDenied');
  });

  test('a later grant of both duties to the trainer fails synth (AgentIdentity-SegregationOfDuties) and is still denied by IAM', async () => {
    // GIVEN the same app, where someone later grants the trainer approval rights too
    const { app: app2, stack: stack2 } = synth();
    stack2.trainer.addToAgentPolicy(
      new iam.PolicyStatement({ actions: [UPDATE], resources: [stack2.versionsArn] }),
    );
    // WHEN the app is synthesized THEN the checks fail it on segregation of duties
    expect(() => app2.synth()).toThrow(
      'AgentIdentity-SegregationOfDuties[ModelPackageApproval::sagemaker:CreateModelPackage+sagemaker:UpdateModelPackage]',
    );
    // AND IAM still refuses the approval through the trainer's explicit deny (the same stack,
    // built without the synth gate so that its template can be read)
    const ungated = new LendingModelStack(new App(), 'LendingModelSod', { env: EXAMPLE_ENV });
    ungated.trainer.addToAgentPolicy(
      new iam.PolicyStatement({ actions: [UPDATE], resources: [ungated.versionsArn] }),
    );
    const decision = await simulate(roleOf(ungated, AGENTS.trainer), {
      action: UPDATE,
      resource: version(MODEL_GROUP, 7),
      context: status('Approved'),
    });
    expect(decision).toBe('ExplicitlyDenied');
  });
});

describe('lending model app', () => {
  test('synthesizes the model package group and two agents with the statements on its exact ARNs', () => {
    // WHEN the stack is synthesized
    const template = Template.fromStack(stack);
    // THEN the group exists and each agent's policy names only the group and its versions
    template.hasResourceProperties('AWS::SageMaker::ModelPackageGroup', {
      ModelPackageGroupName: MODEL_GROUP,
    });
    for (const who of ['trainer', 'approver'] as Who[]) {
      const resources = roles[who].identityPolicies
        .filter((p) => p.name === 'AgentAccess')
        .flatMap((p) => p.policy.Statement as Json[])
        .flatMap((s) => [s.Resource].flat());
      expect(new Set(resources)).toEqual(
        new Set([
          `arn:${PARTITION}:sagemaker:${REGION}:${ACCOUNT}:model-package-group/${MODEL_GROUP}`,
          `arn:${PARTITION}:sagemaker:${REGION}:${ACCOUNT}:model-package/${MODEL_GROUP}/*`,
        ]),
      );
    }
  });

  test('every IAM action the example adds exists', () => {
    // WHEN collecting the actions of both agents' own policies
    const actions = Object.values(roles)
      .flatMap((r) => r.identityPolicies.filter((p) => p.name === 'AgentAccess'))
      .flatMap((p) => p.policy.Statement as Json[])
      .flatMap((s) => [s.Action].flat() as string[]);
    // THEN each is a real IAM action
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => !actionExists(a))).toEqual([]);
  });

  describeRulePackTests(app, stack);
});
