import { Duration, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { agentApp, check, findingsFor, plainApp } from '../fixtures';

const RULE = 'MaxSessionDuration';

describe('AgentIdentity-MaxSessionDuration', () => {
  test('the one-hour default is compliant', () => {
    const { app } = agentApp();
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test("a role without MaxSessionDuration gets IAM's one-hour default and is compliant", () => {
    const { app, stack } = plainApp();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    Tags.of(role).add('ai:agent', 'x');
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('a longer session than the limit is a finding naming the seconds', () => {
    // GIVEN an agent allowed 4 hours
    const { app } = agentApp({ maxSessionDuration: Duration.hours(4) });
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual(['MaxSessionDuration::14400']);
  });

  test('the limit is configurable', () => {
    const { app } = agentApp({ maxSessionDuration: Duration.hours(4) });
    expect(findingsFor(check(app, { maxSessionDuration: Duration.hours(4) }), RULE)).toEqual([]);
  });
});
