import * as fs from 'fs';
import * as path from 'path';
import { AccessLevel } from '../../lib/report/entitlement-report-schema';
import { TemplateResolver } from '../helpers/resolve';
import { agentRoleId, rolePolicies, simulate } from '../helpers/simulate';
import { synthReport } from './fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The report must tell the truth about what IAM allows: what it lists as an access level is
 * allowed when simulated, and a level it does not list is denied.
 */
describe('the report agrees with IAM (simulated)', () => {
  // GIVEN the reference app, once as is and once with write access to the inbox added
  const cases = [false, true].map((inboxWrite) => {
    const { fixture, report } = synthReport({ inboxWrite });
    const template = JSON.parse(
      fs.readFileSync(path.join(fixture.outdir, 'AgentsStack.template.json'), 'utf8'),
    );
    const role = rolePolicies(template, agentRoleId(template, 'email-triage'));
    const resolver = new TemplateResolver(template);
    const bucketId = Object.keys(template.Resources).find(
      (id) => template.Resources[id].Type === 'AWS::S3::Bucket',
    )!;
    const objectArn = `${resolver.arn(bucketId)}/inbox/1.eml`;
    const inbox = report.agents
      .find((a) => a.agentName === 'email-triage')!
      .dataStores.find((d) => d.service === 's3')!;
    const agent = report.agents.find((a) => a.agentName === 'email-triage')!;
    return { inboxWrite, role, objectArn, inbox, report: agent };
  });

  const probes: [AccessLevel, string][] = [
    [AccessLevel.READ, 's3:GetObject'],
    [AccessLevel.WRITE, 's3:PutObject'],
    [AccessLevel.DELETE, 's3:DeleteObject'],
  ];

  test.each(cases.flatMap((c) => probes.map(([level, action]) => [c.inboxWrite, level, action] as const)))(
    'inboxWrite=%s: %s is listed exactly when IAM allows %s on an inbox object',
    async (inboxWrite, level, action) => {
      const c = cases.find((x) => x.inboxWrite === inboxWrite)!;
      // WHEN the request is simulated against the agent's synthesized policies and boundary
      const decision = await simulate(c.role, { action, resource: c.objectArn });
      // THEN the report lists the level if and only if IAM allows it
      expect({ level, listed: c.inbox.access.includes(level) }).toEqual({
        level,
        listed: decision === 'Allowed',
      });
    },
  );

  test.each([['sqs:SendMessage'], ['sqs:DeleteMessage'], ['sqs:ReceiveMessage']])(
    'the hand-added queue grant: %s is listed exactly when IAM allows it',
    async (action) => {
      // GIVEN the queue the hand-added statement names, resolved to a concrete ARN
      const c = cases[0];
      const queueArn = c.role.identityPolicies
        .flatMap((p) => p.policy.Statement)
        .find((s: any) => s.Action === 'sqs:SendMessage').Resource;
      // WHEN the request is simulated
      const decision = await simulate(c.role, { action, resource: queueArn });
      // THEN the report's sqs store lists the action if and only if IAM allows it
      const listed = c.report.dataStores.find((d) => d.service === 'sqs')!.actions.includes(action);
      expect({ action, listed }).toEqual({ action, listed: decision === 'Allowed' });
    },
  );
});
