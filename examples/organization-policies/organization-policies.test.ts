import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { arn } from '../_shared/simulation';
import { describeRulePackTests } from '../_shared/standard-tests';
import { ORGANIZATION_ROOT, buildApp } from './app';

const MEMBER = '222222222222';
const ADMIN = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

describe('example: organization-policies', () => {
  // GIVEN the management-account app
  const app = new App();
  const [stack] = buildApp(app);
  const template = Template.fromStack(stack);
  const policies = Object.values<any>(template.findResources('AWS::Organizations::Policy')); // eslint-disable-line @typescript-eslint/no-explicit-any
  const content = (type: string) => policies.find((p) => p.Properties.Type === type).Properties.Content;

  test('attaches one SCP and one RCP to the organization root, each within 5,120 characters', () => {
    expect(policies.map((p) => [p.Properties.Type, p.Properties.TargetIds])).toEqual([
      ['SERVICE_CONTROL_POLICY', [ORGANIZATION_ROOT]],
      ['RESOURCE_CONTROL_POLICY', [ORGANIZATION_ROOT]],
    ]);
    for (const p of policies) expect(JSON.stringify(p.Properties.Content).length).toBeLessThanOrEqual(5120);
  });

  test.each([
    ['turns off the trail', 'cloudtrail:StopLogging', `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/org`, {}],
    ['grants itself more', 'iam:AttachRolePolicy', `arn:aws:iam::${MEMBER}:role/hand-made-agent`, {}],
    [
      "reads another tenant's bucket",
      's3:GetObject',
      arn('s3', '', '', 'globex-data/report.csv'),
      { 'aws:ResourceTag/ai:tenant': 'globex' },
    ],
    [
      'calls a model without the organization guardrail',
      'bedrock:InvokeModel',
      arn('bedrock', 'us-east-1', '', 'foundation-model/m'),
      {},
    ],
  ])(
    'a hand-made agent with AdministratorAccess in a member account that %s is denied',
    async (_what, action, resource, context) => {
      const result = await runSimulation(
        {
          request: {
            principal: `arn:aws:sts::${MEMBER}:assumed-role/hand-made-agent/s`,
            action,
            resource: { resource, accountId: MEMBER },
            contextVariables: {
              'aws:PrincipalTag/ai:agent': 'hand-made',
              'aws:PrincipalTag/ai:tenant': 'acme',
              ...context,
            },
          },
          identityPolicies: [{ name: 'AdministratorAccess', policy: ADMIN }],
          serviceControlPolicies: [
            {
              orgIdentifier: ORGANIZATION_ROOT,
              policies: [
                { name: 'FullAWSAccess', policy: ADMIN },
                { name: 'scp', policy: content('SERVICE_CONTROL_POLICY') },
              ],
            },
            { orgIdentifier: MEMBER, policies: [{ name: 'FullAWSAccess', policy: ADMIN }] },
          ],
          resourceControlPolicies: [
            {
              orgIdentifier: ORGANIZATION_ROOT,
              policies: [{ name: 'rcp', policy: content('RESOURCE_CONTROL_POLICY') }],
            },
          ],
          additionalSettings: { s3: { bucketAbacEnabled: true } },
        },
        {},
      );
      expect(result.resultType === 'error' ? result.errors : result.overallResult).toBe('ExplicitlyDenied');
    },
  );

  describeRulePackTests(app, stack);
});
