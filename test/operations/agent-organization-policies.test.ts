import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  AgentOrganizationGuardRails,
  AgentOrganizationPolicies,
  OrganizationModelGuardrail,
} from '../../lib';
import {
  agentResourceControlPolicy,
  agentServiceControlPolicy,
  organizationPolicySize,
} from '../../lib/operations/private/organization-policies';
import { actionExists, serviceActions } from '../../lib/shared/iam-catalog';

function stack(): Stack {
  return new Stack(new App(), 'Org', { env: { account: '111111111111', region: 'us-east-1' } });
}

describe('AgentOrganizationPolicies', () => {
  test('GIVEN the deprecated name AgentOrganizationGuardRails THEN it synthesizes exactly the same policies', () => {
    const current = stack();
    new AgentOrganizationPolicies(current, 'Rails', { targetIds: ['r-ab12'] });
    const deprecated = stack();
    new AgentOrganizationGuardRails(deprecated, 'Rails', { targetIds: ['r-ab12'] });
    expect(Template.fromStack(deprecated).toJSON()).toEqual(Template.fromStack(current).toJSON());
  });

  test('GIVEN targets WHEN synthesized THEN one SCP and one RCP are attached to them', () => {
    const s = stack();
    new AgentOrganizationPolicies(s, 'Rails', {
      targetIds: ['r-ab12', 'ou-ab12-abcdefgh', '222222222222'],
    });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::Organizations::Policy', 2);
    for (const type of ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']) {
      t.hasResourceProperties('AWS::Organizations::Policy', {
        Type: type,
        TargetIds: ['r-ab12', 'ou-ab12-abcdefgh', '222222222222'],
        Content: Match.objectLike({ Version: '2012-10-17' }),
      });
    }
  });

  test('the RCP can be left out where RCPs are not enabled', () => {
    const s = stack();
    new AgentOrganizationPolicies(s, 'Rails', { targetIds: ['r-ab12'], resourceControlPolicy: false });
    Template.fromStack(s).resourceCountIs('AWS::Organizations::Policy', 1);
  });

  test.each([
    [[], /at least one root/],
    [['r-AB'], /"r-AB" is not a root/],
    [['ou-ab12'], /is not a root/],
    [['12345'], /is not a root/],
    [['r-ab12', 'r-ab12'], /listed twice/],
  ])('bad targetIds %j are a synth error naming the path', (targetIds, message) => {
    expect(() => new AgentOrganizationPolicies(stack(), 'Rails', { targetIds })).toThrow(message);
    expect(() => new AgentOrganizationPolicies(stack(), 'Rails', { targetIds })).toThrow(/^Org\/Rails: /);
  });

  test('a guardrail identifier that is not a Bedrock ARN pattern is refused', () => {
    expect(
      () =>
        new AgentOrganizationPolicies(stack(), 'Rails', {
          targetIds: ['r-ab12'],
          modelGuardrail: OrganizationModelGuardrail.oneOf(['gr1:3']),
        }),
    ).toThrow(/"gr1:3" is not a Bedrock guardrail ARN pattern/);
  });

  test('a document over 5,120 characters is a synth error with the size and the fix', () => {
    const many = Array.from(
      { length: 80 },
      (_, i) => `arn:aws:bedrock:us-east-1:111111111111:guardrail/guardrail${i}:1`,
    );
    expect(
      () =>
        new AgentOrganizationPolicies(stack(), 'Rails', {
          targetIds: ['r-ab12'],
          modelGuardrail: OrganizationModelGuardrail.oneOf(many),
        }),
    ).toThrow(/service control policy is \d+ characters, more than Organizations allows \(5120\).*wildcard/);
  });

  test('with every option the documents stay well inside the limit (room for the org to grow)', () => {
    const scp = agentServiceControlPolicy({
      requireGuardrail: true,
      allowedGuardrails: ['arn:aws:bedrock:*:111111111111:guardrail/a:*'],
    });
    expect(organizationPolicySize(scp)).toBeLessThan(4_000);
    expect(organizationPolicySize(agentResourceControlPolicy())).toBeLessThan(2_000);
  });

  test('every action named exists in IAM (a typo would silently deny nothing)', () => {
    const scp = agentServiceControlPolicy({
      requireGuardrail: true,
      allowedGuardrails: ['arn:aws:bedrock:*:1:guardrail/a:*'],
    });
    const docs = [scp, agentResourceControlPolicy()] as { Statement: { Action: string | string[] }[] }[];
    for (const doc of docs) {
      for (const s of doc.Statement) {
        for (const action of [s.Action].flat()) {
          if (action === '*') continue;
          const known = action.endsWith(':*')
            ? serviceActions(action.split(':')[0]) !== undefined
            : actionExists(action);
          const wildcard = action.includes('*') && !action.endsWith(':*');
          expect({ action, known: wildcard || known }).toEqual({ action, known: true });
        }
      }
    }
  });
});
