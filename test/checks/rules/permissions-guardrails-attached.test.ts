import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentBoundary } from '../../../lib';
import { PERMISSIONS_GUARDRAILS } from '../../../lib/identity/private/permissions-guardrails';
import { agentApp, check, findingsFor, handWrittenRole, plainApp } from '../fixtures';

const RULE = 'PermissionsGuardrailsAttached';

describe('AgentIdentity-PermissionsGuardrailsAttached', () => {
  test('an AgentIdentity, and a hand-written role with the GuardRails policy, are compliant', () => {
    const { app, stack } = agentApp();
    handWrittenRole(stack, 'Hand', 'hand-written');
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('a detached permissions-guardrail policy is reported per rail; rails beyond the ceiling only without the boundary', () => {
    // GIVEN an agent under the AgentBoundary whose permissions-guardrail policies were detached
    const bounded = agentApp();
    (bounded.agent.role.node.defaultChild as iam.CfnRole).addPropertyDeletionOverride('ManagedPolicyArns');
    // THEN every rail within the ceiling is reported (the boundary refuses the services of the others)
    expect(findingsFor(check(bounded.app), RULE)).toEqual(
      PERMISSIONS_GUARDRAILS.filter((r) => !r.beyondCeiling)
        .map((r) => `PermissionsGuardrail::${r.sid}`)
        .sort(),
    );
    // GIVEN the same agent without its boundary as well
    const unbounded = agentApp();
    const role = unbounded.agent.role.node.defaultChild as iam.CfnRole;
    role.addPropertyDeletionOverride('ManagedPolicyArns');
    role.addPropertyDeletionOverride('PermissionsBoundary');
    // THEN every rail is reported, also those beyond the ceiling
    expect(findingsFor(check(unbounded.app), RULE)).toEqual(
      PERMISSIONS_GUARDRAILS.map((r) => `PermissionsGuardrail::${r.sid}`).sort(),
    );
    expect(PERMISSIONS_GUARDRAILS.some((r) => r.beyondCeiling)).toBe(true);
  });

  test('a copy of the rails with one action dropped, or a condition added, does not count', () => {
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'Hand', 'hand-written');
    (role.node.defaultChild as iam.CfnRole).addPropertyDeletionOverride('ManagedPolicyArns');
    const [first, second, ...rest] = PERMISSIONS_GUARDRAILS;
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
    expect(AgentBoundary.of(stack).permissionsGuardrails).toBeDefined();
    // the deprecated name is the same policy
    expect(AgentBoundary.of(stack).guardRails).toBe(AgentBoundary.of(stack).permissionsGuardrails);
    expect(findingsFor(check(app), RULE)).toEqual(
      [`PermissionsGuardrail::${first.sid}`, `PermissionsGuardrail::${second.sid}`].sort(),
    );
  });
});
