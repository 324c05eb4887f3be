import * as iam from 'aws-cdk-lib/aws-iam';
import { Tags } from 'aws-cdk-lib';
import { agentApp, check, findingsFor, handWrittenRole, plainApp } from '../fixtures';

const RULE = 'PermissionsBoundary';

describe('AgentIdentity-PermissionsBoundary', () => {
  test('an AgentIdentity carries the shared boundary', () => {
    const { app } = agentApp();
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('an AgentIdentity that opted out of the boundary is reported (to be acknowledged)', () => {
    // GIVEN
    const { app } = agentApp({ boundaryOptOutReason: 'legacy integration being migrated off' });
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual(['']);
  });

  test('a hand-written role without a boundary is reported; with one it is compliant', () => {
    const { app, stack } = plainApp();
    const bare = new iam.Role(stack, 'Bare', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    Tags.of(bare).add('ai:agent', 'bare');
    handWrittenRole(stack, 'Bounded', 'bounded');
    const report = check(app);
    expect(findingsFor(report, RULE)).toEqual(['']);
    expect(
      report.violations
        .find((v) => v.ruleName === `AgentIdentity-${RULE}`)!
        .violatingResources.map((r) => r.constructPath),
    ).toEqual(['Agents/Bare/Resource']);
  });
});
