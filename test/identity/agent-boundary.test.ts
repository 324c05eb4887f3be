import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentBoundary, AgentIdentity, AgentRuntime } from '../../lib';
import {
  AGENT_RUNTIME_ACTIONS,
  AGENT_SERVICES,
  PERMISSIONS_GUARDRAILS,
  PERMISSIONS_GUARDRAIL_POLICIES,
  TENANT_FENCED_SERVICES,
} from '../../lib/identity/private/permissions-guardrails';
import { isEscalationAction } from '../../lib/shared/escalation-actions';
import { actionExists, serviceActions } from '../../lib/shared/iam-catalog';
import { agentRoleId, rolePolicies, simulate } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** IAM's limit on a customer managed policy, counted without whitespace. */
const MANAGED_POLICY_LIMIT = 6_144;

function synthAgents() {
  const { stack } = newStack();
  const agent = new AgentIdentity(stack, 'Agent', {
    agentName: 'over-granted',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
  });
  agent.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
  new AgentIdentity(stack, 'Unbounded', {
    agentName: 'unbounded',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    boundaryOptOutReason: 'vendor runtime attaches its own boundary',
  });
  const template = Template.fromStack(stack).toJSON();
  return {
    template,
    role: rolePolicies(template, agentRoleId(template, 'over-granted')),
    unbounded: rolePolicies(template, agentRoleId(template, 'unbounded')),
  };
}

describe('AgentBoundary', () => {
  const { template, role, unbounded } = synthAgents();
  const policies = Object.entries<Json>(template.Resources).filter(
    ([, r]) => r.Type === 'AWS::IAM::ManagedPolicy',
  );

  test('the boundary and every permissions-guardrail policy fit IAM’s managed-policy limit (6,144 characters)', () => {
    // GIVEN the rendered documents, as IAM counts them (JSON without whitespace)
    const sizes = policies.map(
      ([id, r]) => [id, JSON.stringify(r.Properties.PolicyDocument).length] as const,
    );
    // THEN each fits, and there are as many permissions-guardrail policies as planned
    expect(sizes.length).toBe(1 + PERMISSIONS_GUARDRAIL_POLICIES.length);
    for (const [id, size] of sizes)
      expect({ id, fits: size <= MANAGED_POLICY_LIMIT }).toEqual({ id, fits: true });
  });

  const sidsOf = (policies: { policy: Json }[]) =>
    policies.flatMap((p) => p.policy.Statement.map((s: Json) => s.Sid));

  test('a role without the boundary carries every permissions guardrail; a bounded role those within the ceiling, twice', () => {
    expect(sidsOf(unbounded.identityPolicies)).toEqual(
      expect.arrayContaining(PERMISSIONS_GUARDRAILS.map((r) => r.sid)),
    );
    const within = PERMISSIONS_GUARDRAILS.filter((r) => !r.beyondCeiling).map((r) => r.sid);
    const bounded = sidsOf(role.identityPolicies).filter((sid) => sid !== undefined);
    expect(bounded.sort()).toEqual([...within].sort());
    expect(
      sidsOf([{ policy: role.boundary }])
        .filter((sid) => sid !== 'Ceiling')
        .sort(),
    ).toEqual([...within].sort());
    expect(
      PERMISSIONS_GUARDRAIL_POLICIES.flat()
        .map((r) => r.sid)
        .sort(),
    ).toEqual(PERMISSIONS_GUARDRAILS.map((r) => r.sid).sort());
  });

  test('the ceiling names the services agents use, not */*', () => {
    const ceiling = role.boundary.Statement.find((s: Json) => s.Sid === 'Ceiling');
    expect(ceiling.Action).not.toContain('*');
    expect(ceiling.Action).toEqual([...AGENT_SERVICES.map((s) => `${s}:*`), ...AGENT_RUNTIME_ACTIONS]);
  });

  test('ceiling services and runtime actions exist; no runtime action is an escalation action', () => {
    for (const s of [...AGENT_SERVICES, ...TENANT_FENCED_SERVICES])
      expect({ s, known: !!serviceActions(s) }).toEqual({ s, known: true });
    for (const a of AGENT_RUNTIME_ACTIONS) {
      expect({ a, exists: actionExists(a), escalates: isEscalationAction(a) }).toEqual({
        a,
        exists: true,
        escalates: false,
      });
    }
  });

  test.each([
    ['lambda:InvokeFunction', 'arn:aws:lambda:us-east-1:111111111111:function:f'],
    ['ec2:RunInstances', 'arn:aws:ec2:us-east-1:111111111111:instance/*'],
    ['glue:GetTables', 'arn:aws:glue:us-east-1:111111111111:catalog'],
  ])('a service outside the ceiling stays closed even when granted (%s)', async (action, resource) => {
    expect(await simulate(role, { action, resource })).toBe('ImplicitlyDenied');
  });

  test.each([
    ['logs:PutLogEvents', 'arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/f:log-stream:s'],
    ['xray:PutTraceSegments', '*'],
    ['s3:GetObject', 'arn:aws:s3:::data/x'],
    [
      'bedrock-agentcore:GetWorkloadAccessToken',
      'arn:aws:bedrock-agentcore:us-east-1:111111111111:workload-identity-directory/default/workload-identity/w',
    ],
    ['sts:GetWebIdentityToken', '*'],
  ])('what agents and their runtimes use stays possible when granted (%s)', async (action, resource) => {
    expect(await simulate(role, { action, resource })).toBe('Allowed');
  });
});

describe('AgentBoundary.allowServices', () => {
  test('widens the ceiling and puts every permissions guardrail on every agent of the stack, also those made before', async () => {
    // GIVEN an agent made before the ceiling is widened, granted everything by hand
    const { stack } = newStack();
    const early = new AgentIdentity(stack, 'Early', {
      agentName: 'early',
      runtime: AgentRuntime.lambdaFunction(),
    });
    early.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
    // WHEN the stack's agents may use SageMaker
    AgentBoundary.of(stack).allowServices('sagemaker');
    const template = Template.fromStack(stack).toJSON();
    const role = rolePolicies(template, agentRoleId(template, 'early'));
    // THEN SageMaker is reachable, its escalation paths are explicitly denied
    expect(
      await simulate(role, {
        action: 'sagemaker:DescribeModelPackage',
        resource: 'arn:aws:sagemaker:us-east-1:111111111111:model-package/g/1',
      }),
    ).toBe('Allowed');
    expect(
      await simulate(role, {
        action: 'sagemaker:CreatePresignedNotebookInstanceUrl',
        resource: 'arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/n',
      }),
    ).toBe('ExplicitlyDenied');
    expect(sidsOfRole(role)).toEqual(expect.arrayContaining(PERMISSIONS_GUARDRAILS.map((r) => r.sid)));
  });

  test.each(['iam', 'not-a-service'])('refuses %s', (service) => {
    const { stack } = newStack();
    expect(() => AgentBoundary.of(stack).allowServices(service)).toThrow(
      /allowServices: .* is not a service agents may be allowed/,
    );
  });
});

function sidsOfRole(role: { identityPolicies: { policy: Json }[] }): string[] {
  return role.identityPolicies.flatMap((p) => p.policy.Statement.map((s: Json) => s.Sid));
}
