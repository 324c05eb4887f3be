import * as iam from 'aws-cdk-lib/aws-iam';
import { agentApp, check, findingsFor } from '../fixtures';

const RULE = 'VerifiablePolicies';

describe('AgentIdentity-VerifiablePolicies', () => {
  test('managed policies defined in the app are compliant (the permissions guardrails are one)', () => {
    const { app, stack, agent } = agentApp();
    agent.role.addManagedPolicy(
      new iam.ManagedPolicy(stack, 'Mine', {
        statements: [new iam.PolicyStatement({ actions: ['sts:GetCallerIdentity'], resources: ['*'] })],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('AWS managed and imported policies are findings', () => {
    // GIVEN
    const { app, stack, agent } = agentApp();
    agent.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess'));
    agent.role.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyName(stack, 'Imported', 'team-extra'));
    // WHEN
    const findings = findingsFor(check(app), RULE);
    // THEN
    expect(findings).toEqual([
      'ManagedPolicy::arn:<AWS::Partition>:iam::111111111111:policy/team-extra',
      'ManagedPolicy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess',
    ]);
  });
});
