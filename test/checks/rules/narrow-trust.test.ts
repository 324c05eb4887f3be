import { Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity, AgentRuntime } from '../../../lib';
import { check, findingsFor, plainApp } from '../fixtures';

const RULE = 'NarrowTrust';

function taggedRole(scope: import('constructs').Construct, id: string, assumedBy: iam.IPrincipal): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy });
  Tags.of(role).add('ai:agent', id.toLowerCase());
  return role;
}

describe('AgentIdentity-NarrowTrust', () => {
  test('every AgentRuntime produces a narrow trust policy', () => {
    // GIVEN one agent per runtime kind
    const { app, stack } = plainApp();
    const runtimes: [string, AgentRuntime][] = [
      ['lambda', AgentRuntime.lambdaFunction()],
      ['ecs', AgentRuntime.ecsTask()],
      ['eks', AgentRuntime.eksPodIdentity({ kubernetesNamespace: 'agents', serviceAccount: 'triage' })],
      ['agentcore', AgentRuntime.agentCoreRuntime()],
      ['bedrock-agent', AgentRuntime.bedrockAgent()],
      ['github', AgentRuntime.githubActions({ repo: 'acme/agents', gitRef: 'refs/heads/main' })],
      ['partner', AgentRuntime.account('222222222222', { externalId: 'partner-7f3a' })],
    ];
    const agents = runtimes.map(
      ([name, runtime]) => new AgentIdentity(stack, name, { agentName: name, runtime }),
    );
    new AgentIdentity(stack, 'Worker', {
      agentName: 'worker',
      runtime: AgentRuntime.delegatedFrom(agents[0], { sessionTags: ['ai:record'] }),
    });
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('a service principal without aws:SourceAccount / aws:SourceArn is a finding', () => {
    const { app, stack } = plainApp();
    taggedRole(stack, 'Plain', new iam.ServicePrincipal('lambda.amazonaws.com'));
    expect(findingsFor(check(app), RULE)).toEqual(['Service::lambda.amazonaws.com']);
  });

  test('a negated or wildcard source condition does not count', () => {
    const { app, stack } = plainApp();
    taggedRole(
      stack,
      'Negated',
      new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
        conditions: { StringNotEquals: { 'aws:SourceAccount': '999999999999' } },
      }),
    );
    taggedRole(
      stack,
      'Star',
      new iam.ServicePrincipal('lambda.amazonaws.com', {
        conditions: { StringLike: { 'aws:SourceAccount': '*' } },
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([
      'Service::ecs-tasks.amazonaws.com',
      'Service::lambda.amazonaws.com',
    ]);
  });

  test('an allow-listed service that sets no source keys is compliant without them', () => {
    const { app, stack } = plainApp();
    taggedRole(stack, 'Instance', new iam.ServicePrincipal('ec2.amazonaws.com'));
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('an account root without conditions and a * principal are findings', () => {
    // GIVEN
    const { app, stack } = plainApp();
    taggedRole(stack, 'Root', new iam.AccountPrincipal('222222222222'));
    taggedRole(stack, 'Anyone', new iam.AnyPrincipal());
    // WHEN
    const findings = findingsFor(check(app), RULE);
    // THEN
    expect(findings).toEqual(['AWS::arn:<AWS::Partition>:iam::222222222222:root', 'Principal::*']);
  });

  test('an account root with sts:ExternalId is compliant', () => {
    const { app, stack } = plainApp();
    taggedRole(
      stack,
      'Partner',
      new iam.AccountPrincipal('222222222222').withConditions({ StringEquals: { 'sts:ExternalId': 'x-42' } }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('an OIDC sub with a wildcard, or no sub at all, is a finding (one per role)', () => {
    // GIVEN two GitHub roles: one trusts any branch, one pins only the audience
    const { app, stack } = plainApp();
    const provider = stack.formatArn({
      service: 'iam',
      region: '',
      resource: 'oidc-provider',
      resourceName: 'token.actions.githubusercontent.com',
    });
    taggedRole(
      stack,
      'AnyBranch',
      new iam.WebIdentityPrincipal(provider, {
        StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/agents:*' },
      }),
    );
    taggedRole(
      stack,
      'AudOnly',
      new iam.WebIdentityPrincipal(provider, {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      }),
    );
    // WHEN
    const report = check(app);
    // THEN
    expect(findingsFor(report, RULE)).toEqual(['Federated::token.actions.githubusercontent.com']);
    const violation = report.violations.find((v) => v.ruleName.startsWith(`AgentIdentity-${RULE}`))!;
    expect(violation.violatingResources.map((r) => r.constructPath).sort()).toEqual([
      'Agents/AnyBranch/Resource',
      'Agents/AudOnly/Resource',
    ]);
  });
});
