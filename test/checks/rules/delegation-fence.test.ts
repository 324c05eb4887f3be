import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity, AgentRuntime, DataClassification } from '../../../lib';
import { check, findingsFor, plainApp } from '../fixtures';

const RULE = 'DelegationFence';

function pair(worker: { tenant?: string; clearance?: DataClassification }, reasons = {}) {
  const { app, stack } = plainApp();
  const orchestrator = new AgentIdentity(stack, 'Orchestrator', {
    agentName: 'orchestrator',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    clearance: DataClassification.CONFIDENTIAL,
  });
  new AgentIdentity(stack, 'Worker', {
    agentName: 'worker',
    runtime: AgentRuntime.delegatedFrom(orchestrator, { sessionTags: ['ai:record'], ...reasons }),
    ...worker,
  });
  return { app, stack, orchestrator };
}

describe('AgentIdentity-DelegationFence', () => {
  test('a worker of the same tenant at or below the orchestrator’s clearance is compliant', () => {
    const { app } = pair({ tenant: 'acme', clearance: DataClassification.INTERNAL });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('a crossing stated with a reason is acknowledged (not reported)', () => {
    const { app } = pair(
      { tenant: 'globex', clearance: DataClassification.RESTRICTED },
      {
        crossTenantReason: 'a support worker that reconciles both tenants of one customer',
        raisedClearanceReason: 'it reads the restricted ledger the orchestrator only summarises',
      },
    );
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('a hand-written trust naming an agent of another tenant and lower clearance is reported', () => {
    const { app, stack, orchestrator } = pair({ tenant: 'acme' });
    const worker = new AgentIdentity(stack, 'Other', {
      agentName: 'other',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'globex',
      clearance: DataClassification.RESTRICTED,
    });
    (worker.role as iam.Role).assumeRolePolicy!.addStatements(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        principals: [new iam.ArnPrincipal(orchestrator.roleArn)],
        conditions: { StringEquals: { 'sts:ExternalId': 'job' } },
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([
      'CrossTenant::orchestrator',
      'RaisedClearance::orchestrator',
    ]);
  });
});
