import { Template } from 'aws-cdk-lib/assertions';
import { ResolvedToolPolicy, decide, roleSessionArn, toolPolicies } from '../helpers/cedar';
import { ACCOUNT, TemplateResolver } from '../helpers/resolve';
import { newStack } from '../helpers/stacks';
import { CfnElement } from 'aws-cdk-lib';
import { AgentIdentity } from '../../lib';
import {
  COMPLAINT_SUB,
  TASK_CLAIM,
  complaintScenario,
  modelApiScenario,
  researchScenario,
} from './scenarios';

/** An expectation on one concrete call. */
interface Expectation {
  readonly name: string;
  readonly decision: 'allow' | 'deny';
  readonly call: Parameters<typeof decide>[1];
}

function failing(policies: string[], expectations: Expectation[]): string[] {
  return expectations.filter((e) => decide(policies, e.call) !== e.decision).map((e) => e.name);
}

/** Loosened variants of a policy set: each must break at least one expectation. */
function loosenings(policies: ResolvedToolPolicy[]): Record<string, string[]> {
  const texts = policies.map((p) => p.text);
  return {
    'permits lose their when clause': texts.map((t) =>
      t.startsWith('permit') ? t.replace(/\nwhen \{[^\n]*\}/, '') : t,
    ),
    'forbids dropped': texts.filter((t) => !t.startsWith('forbid')),
    'permits apply to every principal': texts.map((t) =>
      t.startsWith('permit')
        ? t
            .replace(/principal (==|is) [^\n]*,/, 'principal,')
            .replace(/\nwhen \{ \(principal\.id like [^)]*\)( && )?/, '\nwhen { ')
            .replace(/\nwhen \{\s*\}/, '')
        : t,
    ),
  };
}

describe('complaint resolution: per-record tool policy on a JWT gateway', () => {
  // GIVEN
  const { app, stack } = newStack();
  complaintScenario(stack);
  const template = app.synth().getStackByName(stack.stackName).template;
  const policies = toolPolicies(template);
  const gateway = new TemplateResolver(template).arn(
    Object.keys(template.Resources).find(
      (id) => template.Resources[id].Type === 'AWS::BedrockAgentCore::Gateway',
    )!,
  );
  const call = (
    action: string,
    input: Record<string, unknown>,
    claims: Record<string, string> = { [TASK_CLAIM]: '42' },
    sub = COMPLAINT_SUB,
  ) => ({
    principalType: 'AgentCore::OAuthUser',
    principalId: sub,
    claims,
    action: `crm___${action}`,
    gateway,
    input,
  });
  const expectations: Expectation[] = [
    {
      name: 'updates record 42 during the task for 42',
      decision: 'allow',
      call: call('updateRecord', { recordId: '42' }),
    },
    {
      name: 'denied record 43 during the task for 42',
      decision: 'deny',
      call: call('updateRecord', { recordId: '43' }),
    },
    {
      name: 'denied an update without a task claim',
      decision: 'deny',
      call: call('updateRecord', { recordId: '42' }, {}),
    },
    {
      name: 'an empty task claim does not match an empty record id',
      decision: 'deny',
      call: call('updateRecord', { recordId: '' }, { [TASK_CLAIM]: '' }),
    },
    {
      name: 'another caller is denied record 42',
      decision: 'deny',
      call: call('updateRecord', { recordId: '42' }, { [TASK_CLAIM]: '42' }, 'other-client'),
    },
    { name: 'reads any record', decision: 'allow', call: call('getRecord', { recordId: '43' }) },
    {
      name: 'denied a tool it was not granted',
      decision: 'deny',
      call: call('deleteRecord', { recordId: '42' }),
    },
    {
      name: 'denied another tenant id in the input',
      decision: 'deny',
      call: call('updateRecord', { recordId: '42', tenantId: 'globex' }),
    },
    {
      name: 'its own tenant id is fine',
      decision: 'allow',
      call: call('updateRecord', { recordId: '42', tenantId: 'acme' }),
    },
  ];

  test.each(expectations.map((e) => [e.name, e] as const))('%s', (_name, e) => {
    // WHEN / THEN
    expect(
      decide(
        policies.map((p) => p.text),
        e.call,
      ),
    ).toBe(e.decision);
  });

  test('every loosening of the generated policies breaks an expectation', () => {
    for (const [mutation, texts] of Object.entries(loosenings(policies))) {
      expect(texts).not.toEqual(policies.map((p) => p.text));
      expect({ mutation, broken: failing(texts, expectations).length > 0 }).toEqual({
        mutation,
        broken: true,
      });
    }
  });

  test('the engine starts in log-only mode and the policies name the gateway exactly', () => {
    Template.fromJSON(template).hasResourceProperties('AWS::BedrockAgentCore::Gateway', {
      PolicyEngineConfiguration: { Mode: 'LOG_ONLY' },
    });
    for (const p of policies) expect(p.text).toContain(`resource == AgentCore::Gateway::"${gateway}"`);
  });
});

describe('research team: per-role tools on an IAM gateway', () => {
  // GIVEN
  const { app, stack } = newStack();
  const s = researchScenario(stack);
  const template = app.synth().getStackByName(stack.stackName).template;
  const resolver = new TemplateResolver(template);
  const policies = toolPolicies(template);
  const gateway = resolver.arn(stack.getLogicalId(s.gateway.node.defaultChild as never));
  const session = (agent: AgentIdentity) => roleSessionArn(resolver, stack, agent.role);
  const call = (agent: AgentIdentity, action: string, input: Record<string, unknown>) => ({
    principalType: 'AgentCore::IamEntity',
    principalId: session(agent),
    action,
    gateway,
    input,
  });
  const expectations: Expectation[] = [
    {
      name: 'the Reviewer may approve',
      decision: 'allow',
      call: call(s.reviewer, 'repo___approvePullRequest', { pullRequest: '7' }),
    },
    {
      name: 'the Reviewer is denied a write tool',
      decision: 'deny',
      call: call(s.reviewer, 'repo___writeFile', { path: 'a', content: 'b' }),
    },
    {
      name: 'the Reviewer may not merge',
      decision: 'deny',
      call: call(s.reviewer, 'repo___mergePullRequest', { pullRequest: '7', branch: 'feature' }),
    },
    {
      name: 'the Researcher may search',
      decision: 'allow',
      call: call(s.researcher, 'web___search', { query: 'cedar' }),
    },
    {
      name: 'the Researcher is denied writing',
      decision: 'deny',
      call: call(s.researcher, 'repo___writeFile', { path: 'a', content: 'b' }),
    },
    {
      name: 'the Coder may write',
      decision: 'allow',
      call: call(s.coder, 'repo___writeFile', { path: 'a', content: 'b' }),
    },
    {
      name: 'the Coder is denied approving',
      decision: 'deny',
      call: call(s.coder, 'repo___approvePullRequest', { pullRequest: '7' }),
    },
    {
      name: 'the Coder merges a feature branch',
      decision: 'allow',
      call: call(s.coder, 'repo___mergePullRequest', { pullRequest: '7', branch: 'feature' }),
    },
    {
      name: 'nobody merges to main',
      decision: 'deny',
      call: call(s.coder, 'repo___mergePullRequest', { pullRequest: '7', branch: 'main' }),
    },
    {
      name: 'nobody merges to release',
      decision: 'deny',
      call: call(s.coder, 'repo___mergePullRequest', { pullRequest: '7', branch: 'release' }),
    },
  ];

  test.each(expectations.map((e) => [e.name, e] as const))('%s', (_name, e) => {
    expect(
      decide(
        policies.map((p) => p.text),
        e.call,
      ),
    ).toBe(e.decision);
  });

  test('another role of the account is denied every tool', () => {
    const stranger = {
      ...call(s.coder, 'repo___readFile', { path: 'a' }),
      principalId: `arn:aws:sts::${ACCOUNT}:assumed-role/Other/x`,
    };
    expect(
      decide(
        policies.map((p) => p.text),
        stranger,
      ),
    ).toBe('deny');
  });

  test('every loosening of the generated policies breaks an expectation', () => {
    for (const [mutation, texts] of Object.entries(loosenings(policies))) {
      expect(texts).not.toEqual(policies.map((p) => p.text));
      expect({ mutation, broken: failing(texts, expectations).length > 0 }).toEqual({
        mutation,
        broken: true,
      });
    }
  });

  test('enforce() switches the engine mode; the agents may invoke the gateway through IAM', () => {
    const t = Template.fromJSON(template);
    t.hasResourceProperties('AWS::BedrockAgentCore::Gateway', {
      PolicyEngineConfiguration: { Mode: 'ENFORCE' },
    });
    expect(JSON.stringify(template)).toContain('bedrock-agentcore:InvokeGateway');
  });
});

describe('a model API callable only by the analytics dashboard agent', () => {
  // GIVEN an IAM gateway serving a model API, granted to the dashboard agent only
  const { app, stack } = newStack();
  const { gateway, dashboard, other } = modelApiScenario(stack);
  const template = app.synth().getStackByName(stack.stackName).template;
  const resolver = new TemplateResolver(template);
  const policies = toolPolicies(template).map((p) => p.text);
  const callAs = (agent: AgentIdentity) =>
    decide(policies, {
      principalType: 'AgentCore::IamEntity',
      principalId: roleSessionArn(resolver, stack, agent.role),
      action: 'modelapi___predict',
      gateway: resolver.arn(stack.getLogicalId(gateway.node.defaultChild as CfnElement)),
      input: { features: '1,2' },
    });

  test('the dashboard agent may call the model API', () => {
    expect(callAs(dashboard)).toBe('allow');
  });

  test('any other agent of the account is denied it', () => {
    expect(callAs(other)).toBe('deny');
  });
});
