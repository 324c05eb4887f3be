import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { decide, toolPolicies } from '../../test/helpers/cedar';
import { ACCOUNT, TemplateResolver } from '../../test/helpers/resolve';
import { templateOf } from '../_shared/simulation';
import { AGENTS, ResearchTeamStack, buildApp } from './app';

describe('example: research-team tools (Cedar at the tool gateway)', () => {
  // GIVEN the example app
  const app = new App();
  const [stack] = buildApp(app) as ResearchTeamStack[];
  const template = templateOf(stack);
  const resolver = new TemplateResolver(template);
  const policies = toolPolicies(template).map((p) => p.text);
  const gatewayId = Object.keys(template.Resources).find(
    (id) => template.Resources[id].Type === 'AWS::BedrockAgentCore::Gateway',
  )!;
  const gateway = resolver.arn(gatewayId);
  const roleName = (agentName: string) => {
    const id = Object.keys(template.Resources).find(
      (k) =>
        template.Resources[k].Type === 'AWS::IAM::Role' &&
        (template.Resources[k].Properties.Tags ?? []).some(
          (t: { Key: string; Value: string }) => t.Key === 'ai:agent' && t.Value === agentName,
        ),
    )!;
    return resolver.ref(id);
  };
  const call = (agentName: string, tool: string, input: Record<string, string>) =>
    decide(policies, {
      principalType: 'AgentCore::IamEntity',
      principalId: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName(agentName)}/session-1`,
      action: tool,
      gateway,
      input,
    });
  const file = { path: 'code/x.ts', content: 'x' };

  test.each([
    ['the researcher searches', AGENTS.researcher, 'web___search', { query: 'cedar' }, 'allow'],
    ['the researcher is denied writing', AGENTS.researcher, 'repo___writeFile', file, 'deny'],
    ['the coder writes', AGENTS.coder, 'repo___writeFile', file, 'allow'],
    [
      'the coder is denied approving',
      AGENTS.coder,
      'repo___approvePullRequest',
      { pullRequest: '7' },
      'deny',
    ],
    ['the reviewer approves', AGENTS.reviewer, 'repo___approvePullRequest', { pullRequest: '7' }, 'allow'],
    ['the reviewer is denied a write tool', AGENTS.reviewer, 'repo___writeFile', file, 'deny'],
    [
      'the reviewer is denied merging',
      AGENTS.reviewer,
      'repo___mergePullRequest',
      { pullRequest: '7', branch: 'feat' },
      'deny',
    ],
    [
      'the coder merges a feature branch',
      AGENTS.coder,
      'repo___mergePullRequest',
      { pullRequest: '7', branch: 'feat' },
      'allow',
    ],
    [
      'nobody merges to main',
      AGENTS.coder,
      'repo___mergePullRequest',
      { pullRequest: '7', branch: 'main' },
      'deny',
    ],
    [
      'nobody merges to release',
      AGENTS.coder,
      'repo___mergePullRequest',
      { pullRequest: '7', branch: 'release' },
      'deny',
    ],
  ])('%s', (_name, agent, tool, input, decision) => {
    expect(call(agent, tool, input)).toBe(decision);
  });

  test('the engine is enforced and each agent may invoke the IAM-authorized gateway', () => {
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::BedrockAgentCore::Gateway', {
      AuthorizerType: 'AWS_IAM',
      PolicyEngineConfiguration: { Mode: 'ENFORCE' },
    });
    expect(JSON.stringify(template)).toContain('bedrock-agentcore:InvokeGateway');
  });
});
