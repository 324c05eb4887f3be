import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentBoundary, GUARD_RAILS } from '../../../lib';
import { agentApp, check, findingsFor, handWrittenRole, plainApp } from '../fixtures';

const RULE = 'GuardRailsAttached';

describe('AgentIdentity-GuardRailsAttached', () => {
  test('an AgentIdentity, and a hand-written role with the GuardRails policy, are compliant', () => {
    const { app, stack } = agentApp();
    handWrittenRole(stack, 'Hand', 'hand-written');
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('a detached guard-rail policy is reported per rail', () => {
    const { app, agent } = agentApp();
    (agent.role.node.defaultChild as iam.CfnRole).addPropertyDeletionOverride('ManagedPolicyArns');
    expect(findingsFor(check(app), RULE)).toEqual(GUARD_RAILS.map((r) => `GuardRail::${r.sid}`).sort());
  });

  test('a copy of the rails with one action dropped, or a condition added, does not count', () => {
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'Hand', 'hand-written');
    (role.node.defaultChild as iam.CfnRole).addPropertyDeletionOverride('ManagedPolicyArns');
    const [first, second, ...rest] = GUARD_RAILS;
    const copy = new iam.ManagedPolicy(stack, 'Copy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          actions: first.actions.slice(1),
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          actions: second.actions,
          resources: ['*'],
          conditions: { StringEquals: { 'aws:RequestedRegion': 'nowhere-1' } },
        }),
        ...rest.map(
          (r) =>
            new iam.PolicyStatement({
              effect: iam.Effect.DENY,
              actions: r.actions,
              resources: ['*'],
              conditions: r.condition,
            }),
        ),
      ],
    });
    expect(copy).toBeDefined();
    expect(AgentBoundary.of(stack).guardRails).toBeDefined();
    expect(findingsFor(check(app), RULE)).toEqual(
      [`GuardRail::${first.sid}`, `GuardRail::${second.sid}`].sort(),
    );
  });
});
