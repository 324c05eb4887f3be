import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity, AgentRuntime } from '../../lib';
import { agentRoleId, rolePolicies, simulateTrust } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

const ACCOUNT = '111111111111';

/** An environment-agnostic stack: account, region and partition stay tokens. */
function trustOf(runtime: AgentRuntime) {
  const stack = new Stack(new App(), 'TestStack');
  new AgentIdentity(stack, 'Agent', { agentName: 'agent', runtime });
  const template = Template.fromStack(stack);
  return { template, json: template.toJSON(), stack };
}

function trustStatement(template: Template): Record<string, unknown> {
  const roles = template.findResources('AWS::IAM::Role', {
    Properties: { Tags: Match.arrayWith([{ Key: 'ai:agent', Value: 'agent' }]) },
  });
  const [role] = Object.values(roles);
  return role.Properties.AssumeRolePolicyDocument.Statement;
}

describe('AgentRuntime trust policies', () => {
  test('lambda() trusts only the Lambda service, bound to this account', () => {
    // GIVEN / WHEN
    const { template } = trustOf(AgentRuntime.lambdaFunction());
    // THEN
    expect(trustStatement(template)).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  test('ecsTask() pins source account and ECS source ARN of this region', () => {
    const { template } = trustOf(AgentRuntime.ecsTask());
    expect(trustStatement(template)).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':ecs:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':*',
                ],
              ],
            },
          },
        },
      },
    ]);
  });

  test('agentCoreRuntime() trusts bedrock-agentcore with confused-deputy conditions', () => {
    const { template } = trustOf(AgentRuntime.agentCoreRuntime());
    const [statement] = trustStatement(template) as unknown as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(statement.Principal).toEqual({ Service: 'bedrock-agentcore.amazonaws.com' });
    expect(statement.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(JSON.stringify(statement.Condition.ArnLike)).toContain(':bedrock-agentcore:');
  });

  test('bedrockAgent() trusts bedrock.amazonaws.com only for agents of this account', () => {
    const { template } = trustOf(AgentRuntime.bedrockAgent());
    const [statement] = trustStatement(template) as unknown as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(statement.Principal).toEqual({ Service: 'bedrock.amazonaws.com' });
    expect(JSON.stringify(statement.Condition.ArnLike)).toContain(':agent/*');
  });

  test('eksPodIdentity() pins namespace, service account and cluster through request tags', () => {
    const { template } = trustOf(
      AgentRuntime.eksPodIdentity({
        kubernetesNamespace: 'agents',
        serviceAccount: 'triage',
        clusterName: 'prod',
      }),
    );
    expect(trustStatement(template)).toEqual([
      {
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': { Ref: 'AWS::AccountId' },
            'aws:RequestTag/kubernetes-namespace': 'agents',
            'aws:RequestTag/kubernetes-service-account': 'triage',
            'aws:RequestTag/eks-cluster-name': 'prod',
          },
        },
      },
    ]);
  });

  test('githubActions() pins aud and an exact sub for a ref', () => {
    const { template } = trustOf(
      AgentRuntime.githubActions({ repo: 'acme/agents', gitRef: 'refs/heads/main' }),
    );
    const [statement] = trustStatement(template) as unknown as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(statement.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': 'repo:acme/agents:ref:refs/heads/main',
      },
    });
    expect(JSON.stringify(statement.Principal)).toContain(
      'oidc-provider/token.actions.githubusercontent.com',
    );
  });

  test('githubActions() can pin an environment instead of a ref', () => {
    const { template } = trustOf(
      AgentRuntime.githubActions({ repo: 'acme/agents', environment: 'production' }),
    );
    const [statement] = trustStatement(template) as unknown as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(statement.Condition.StringEquals['token.actions.githubusercontent.com:sub']).toBe(
      'repo:acme/agents:environment:production',
    );
  });

  test('account() requires the external id', () => {
    const { template } = trustOf(AgentRuntime.account('222222222222', { externalId: 'acme-agents-7f3a' }));
    const [statement] = trustStatement(template) as unknown as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(statement.Condition).toEqual({ StringEquals: { 'sts:ExternalId': 'acme-agents-7f3a' } });
    expect(JSON.stringify(statement.Principal)).toContain(':iam::222222222222:root');
  });
});

describe('AgentRuntime.delegatedFrom', () => {
  function delegated() {
    const { stack } = newStack();
    const orchestrator = new AgentIdentity(stack, 'Orchestrator', {
      agentName: 'orchestrator',
      runtime: AgentRuntime.lambdaFunction(),
    });
    new AgentIdentity(stack, 'Worker', {
      agentName: 'worker',
      runtime: AgentRuntime.delegatedFrom(orchestrator, { sessionTags: ['ai:record'] }),
    });
    const json = Template.fromStack(stack).toJSON();
    return {
      json,
      worker: rolePolicies(json, agentRoleId(json, 'worker')),
      orchestrator: rolePolicies(json, agentRoleId(json, 'orchestrator')),
    };
  }
  const { worker, orchestrator } = delegated();

  test('the orchestrator may assume the worker while passing exactly the named tag', async () => {
    const context = { 'aws:TagKeys': ['ai:record'], 'aws:RequestTag/ai:record': 'crm-4711' };
    expect(await simulateTrust(worker, { principal: orchestrator.sessionArn, context })).toBe('Allowed');
    expect(
      await simulateTrust(worker, { principal: orchestrator.sessionArn, action: 'sts:TagSession', context }),
    ).toBe('Allowed');
  });

  test('without the session tag the orchestrator is refused', async () => {
    expect(await simulateTrust(worker, { principal: orchestrator.sessionArn, context: {} })).toBe(
      'ImplicitlyDenied',
    );
  });

  test('an extra tag key (e.g. overriding ai:tenant) is refused', async () => {
    const context = {
      'aws:TagKeys': ['ai:record', 'ai:tenant'],
      'aws:RequestTag/ai:record': 'crm-4711',
      'aws:RequestTag/ai:tenant': 'globex',
    };
    expect(
      await simulateTrust(worker, { principal: orchestrator.sessionArn, action: 'sts:TagSession', context }),
    ).toBe('ImplicitlyDenied');
  });

  test('transitive tags are refused', async () => {
    const context = {
      'aws:TagKeys': ['ai:record'],
      'aws:RequestTag/ai:record': 'crm-4711',
      'sts:TransitiveTagKeys': ['ai:record'],
    };
    expect(
      await simulateTrust(worker, { principal: orchestrator.sessionArn, action: 'sts:TagSession', context }),
    ).toBe('ImplicitlyDenied');
  });

  test('another principal of the account is refused', async () => {
    const context = { 'aws:TagKeys': ['ai:record'], 'aws:RequestTag/ai:record': 'crm-4711' };
    expect(
      await simulateTrust(worker, {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/someone-else/session`,
        context,
      }),
    ).toBe('ImplicitlyDenied');
  });

  test('the orchestrator role is granted AssumeRole + TagSession on the worker only, with the same conditions', () => {
    const statements = orchestrator.identityPolicies.flatMap((p) => p.policy.Statement);
    const delegation = statements.filter(
      (s: { Effect: string; Action: unknown }) =>
        s.Effect === 'Allow' && JSON.stringify(s.Action).includes('sts:'),
    );
    expect(delegation).toEqual([
      {
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Resource: worker.roleArn,
        Condition: {
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['ai:record'] },
          Null: { 'sts:TransitiveTagKeys': 'true', 'aws:RequestTag/ai:record': 'false' },
        },
      },
    ]);
  });
});

describe('AgentRuntime validation', () => {
  const cases: [string, () => AgentRuntime, RegExp][] = [
    [
      'github wildcard ref',
      () => AgentRuntime.githubActions({ repo: 'acme/agents', gitRef: 'refs/heads/*' }),
      /without wildcards/,
    ],
    [
      'github both ref and environment',
      () =>
        AgentRuntime.githubActions({ repo: 'acme/agents', gitRef: 'refs/heads/main', environment: 'prod' }),
      /exactly one of gitRef or environment/,
    ],
    [
      'github neither',
      () => AgentRuntime.githubActions({ repo: 'acme/agents' }),
      /exactly one of gitRef or environment/,
    ],
    [
      'github short ref',
      () => AgentRuntime.githubActions({ repo: 'acme/agents', gitRef: 'main' }),
      /full ref/,
    ],
    [
      'github bad repo',
      () => AgentRuntime.githubActions({ repo: 'acme/*', gitRef: 'refs/heads/main' }),
      /githubActions repo "acme\/\*"/,
    ],
    [
      'eks wildcard namespace',
      () => AgentRuntime.eksPodIdentity({ kubernetesNamespace: '*', serviceAccount: 'sa' }),
      /eksPodIdentity kubernetesNamespace "\*"/,
    ],
    [
      'account bad id',
      () => AgentRuntime.account('12345', { externalId: 'abcdef' }),
      /account id "12345" must be 12 digits/,
    ],
    [
      'account missing external id',
      () => AgentRuntime.account('222222222222', { externalId: '' }),
      /externalId "" must be/,
    ],
  ];
  test.each(cases)('%s is refused with a clear error', (_name, runtime, message) => {
    const { stack } = newStack();
    expect(() => new AgentIdentity(stack, 'Agent', { agentName: 'agent', runtime: runtime() })).toThrow(
      message,
    );
  });

  test('errors name the construct path', () => {
    const { stack } = newStack();
    expect(
      () =>
        new AgentIdentity(stack, 'Agent', {
          agentName: 'agent',
          runtime: AgentRuntime.githubActions({ repo: 'acme/agents', gitRef: 'refs/heads/*' }),
        }),
    ).toThrow(/^TestStack\/Agent: /);
  });

  const orchestratorCases: [string, string[], RegExp][] = [
    ['no tag', [], /at least one session tag/],
    ['override tenant', ['ai:tenant'], /would override the agent's own principal tag/],
    ['override agent (case-insensitive)', ['AI:Agent'], /would override/],
    ['aws: prefix', ['aws:foo'], /not a valid IAM tag key/],
    ['repeated key', ['ai:record', 'AI:RECORD'], /repeat a key/],
  ];
  test.each(orchestratorCases)('delegation with %s is refused', (_name, sessionTags, message) => {
    const { stack } = newStack();
    const orchestrator = new AgentIdentity(stack, 'O', {
      agentName: 'o',
      runtime: AgentRuntime.lambdaFunction(),
    });
    expect(
      () =>
        new AgentIdentity(stack, 'W', {
          agentName: 'w',
          runtime: AgentRuntime.delegatedFrom(orchestrator, { sessionTags }),
        }),
    ).toThrow(message);
  });

  test('delegation longer than the role-chaining hour is refused', () => {
    const { stack } = newStack();
    const orchestrator = new AgentIdentity(stack, 'O', {
      agentName: 'o',
      runtime: AgentRuntime.lambdaFunction(),
    });
    expect(
      () =>
        new AgentIdentity(stack, 'W', {
          agentName: 'w',
          runtime: AgentRuntime.delegatedFrom(orchestrator, {
            sessionTags: ['ai:record'],
            maxDuration: Duration.hours(2),
          }),
        }),
    ).toThrow(/one-hour limit AWS puts on role chaining/);
  });

  test('a supplied OIDC provider is used as the federated principal', () => {
    const { stack } = newStack();
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(
      stack,
      'Gh',
      `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
    );
    new AgentIdentity(stack, 'Agent', {
      agentName: 'agent',
      runtime: AgentRuntime.githubActions({ repo: 'acme/agents', gitRef: 'refs/heads/main', provider }),
    });
    const [statement] = trustStatement(Template.fromStack(stack)) as unknown as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(statement.Principal).toEqual({
      Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
    });
  });
});
