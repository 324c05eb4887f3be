import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentWorkloadIdentity, UserDelegation } from '../../../lib';
import { agentApp, check, findingsFor, handWrittenRole, plainApp } from '../fixtures';

const RULE = 'UserIdDelegationReason';

describe('AgentIdentity-UserIdDelegationReason', () => {
  test('byUserId with a reason is compliant', () => {
    const { app } = agentApp({
      workloadIdentity: AgentWorkloadIdentity.create({
        actsForUsers: UserDelegation.byUserId({
          reason: 'nightly batch re-syncs each subscriber calendar without the user present',
        }),
      }),
    });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('an agent that does not act by user id is compliant (ForUserId is denied everywhere)', () => {
    const { app, agent } = agentApp({ workloadIdentity: AgentWorkloadIdentity.create() });
    // even when something else allows the action on its identity
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock-agentcore:GetWorkloadAccessToken*'],
        resources: [agent.workloadIdentity!.workloadIdentityArn],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('a hand-written role allowed ForUserId without a declared reason is reported', () => {
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'Role', 'hand');
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock-agentcore:GetWorkloadAccessTokenForUserId'],
        resources: [
          'arn:aws:bedrock-agentcore:us-east-1:111111111111:workload-identity-directory/default/workload-identity/hand',
        ],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual(['Action::GetWorkloadAccessTokenForUserId']);
  });

  test('a pattern covering ForUserId counts too', () => {
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'Role', 'hand');
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock-agentcore:GetWorkloadAccessToken*'],
        resources: [
          'arn:aws:bedrock-agentcore:us-east-1:111111111111:workload-identity-directory/default/workload-identity/hand',
        ],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual(['Action::GetWorkloadAccessTokenForUserId']);
  });
});
