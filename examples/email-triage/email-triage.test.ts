import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { matchingActions } from '../../lib/shared/iam-catalog';
import { DEMO_BUCKET_CONTROL_TOWER } from '../_shared/demo-data-bucket';
import { describeRulePackTests } from '../_shared/standard-tests';
import {
  ACCOUNT,
  REGION,
  actionIsKnown,
  actionsOf,
  agentRole,
  arn,
  arnOf,
  logicalIdOf,
  simulateAs,
  templateOf,
} from '../_shared/simulation';
import { SEND_EMAIL_ACTIONS, SUPPORT_PREFIX, buildApp } from './app';

describe('example: email-triage', () => {
  // GIVEN the example app
  const app = new App();
  const [stack] = buildApp(app);
  const template = templateOf(stack);
  const triage = agentRole(template, 'email-triage');
  const store = arnOf(template, logicalIdOf(stack, 'MailStore'));
  const storeTags = { 'aws:ResourceTag/ai:classification': 'confidential' };

  test('synthesizes one small stack with the agent role and a bucket with ABAC on', () => {
    // WHEN the stack is synthesized
    const t = Template.fromStack(stack);
    // THEN
    expect(Object.keys(template.Resources).length).toBeLessThan(40);
    t.hasResourceProperties('AWS::IAM::Role', {
      Tags: Match.arrayWith([{ Key: 'ai:agent', Value: 'email-triage' }]),
      MaxSessionDuration: Match.absent(), // one hour, CloudFormation's default
    });
    t.hasResourceProperties('AWS::S3::Bucket', {
      AbacStatus: 'Enabled',
      Tags: Match.arrayWith([{ Key: 'ai:classification', Value: 'confidential' }]),
    });
  });

  describeRulePackTests(
    app,
    stack,
    (Object.keys(DEMO_BUCKET_CONTROL_TOWER).map((rule) => `${rule} MailStore/Resource`) as string[]).sort(),
  );

  test.each([
    ['reads a support mail', 's3:GetObject', `${SUPPORT_PREFIX}msg-1.eml`, {}, 'Allowed'],
    ['reads a billing mail', 's3:GetObject', 'inbox/billing/msg-1.eml', {}, 'ImplicitlyDenied'],
    ['reads a mail outside every inbox', 's3:GetObject', 'msg-1.eml', {}, 'ImplicitlyDenied'],
    ['lists the support inbox', 's3:ListBucket', '', { 's3:prefix': SUPPORT_PREFIX }, 'Allowed'],
    ['lists the billing inbox', 's3:ListBucket', '', { 's3:prefix': 'inbox/billing/' }, 'ImplicitlyDenied'],
    ['lists the whole store', 's3:ListBucket', '', {}, 'ImplicitlyDenied'],
    ['writes into the support inbox', 's3:PutObject', `${SUPPORT_PREFIX}x.eml`, {}, 'ImplicitlyDenied'],
    ['deletes a support mail', 's3:DeleteObject', `${SUPPORT_PREFIX}msg-1.eml`, {}, 'ImplicitlyDenied'],
  ])('the triage agent %s: %s', async (_what, action, key, context, expected) => {
    // WHEN the agent calls S3 on the mail store (tagged confidential, bucket ABAC on)
    const resource = action === 's3:ListBucket' ? store : `${store}/${key}`;
    const decision = await simulateAs(triage, { action, resource, context: { ...storeTags, ...context } });
    // THEN only its own team's mailbox is readable
    expect(decision).toBe(expected);
  });

  test.each(SEND_EMAIL_ACTIONS.map((action) => [action]))(
    'the triage agent is explicitly denied %s',
    async (action) => {
      // WHEN the agent tries to send mail from a verified identity
      const identity = arn('ses', REGION, ACCOUNT, 'identity/support.example.com');
      // THEN the DenySendingEmail statement refuses it, whatever else is granted
      expect(await simulateAs(triage, { action, resource: identity })).toBe('ExplicitlyDenied');
    },
  );

  test('the send deny covers every SES send action the catalog knows', () => {
    // WHEN the catalog lists the SES actions that send mail
    const known = matchingActions('ses:Send*').map((a) => `ses:${a.name}`);
    // THEN the example denies exactly those
    expect([...SEND_EMAIL_ACTIONS].sort()).toEqual(known.sort());
  });

  test('every action of the agent policy exists', () => {
    // WHEN the actions of its own policy are listed
    const actions = actionsOf(triage);
    // THEN each one exists in the IAM catalog
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:ListBucket', 'kms:Decrypt']));
    for (const action of actions)
      expect({ action, known: actionIsKnown(action) }).toEqual({ action, known: true });
  });
});
