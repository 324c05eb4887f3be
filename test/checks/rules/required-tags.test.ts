import { Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { agentApp, check, findingsFor, plainApp } from '../fixtures';

const RULE = 'RequiredTags';

describe('AgentIdentity-RequiredTags', () => {
  test('an owned AgentIdentity is compliant', () => {
    const { app } = agentApp();
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('an AgentIdentity without an owner is a finding', () => {
    const { app } = agentApp({ owner: undefined });
    expect(findingsFor(check(app), RULE)).toEqual(['Tag::ai:owner']);
  });

  test('a hand-written role with an empty agent name and no owner has both findings', () => {
    // GIVEN a role tagged ai:agent through a CfnRole property override with an empty value
    const { app, stack } = plainApp();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    (role.node.defaultChild as iam.CfnRole).addPropertyOverride('Tags', [{ Key: 'ai:agent', Value: '' }]);
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual(['Tag::ai:agent', 'Tag::ai:owner']);
  });

  test('a hand-written role tagged with Tags.of is compliant', () => {
    const { app, stack } = plainApp();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    Tags.of(role).add('ai:agent', 'hand');
    Tags.of(role).add('ai:owner', 'team@example.com');
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });
});
