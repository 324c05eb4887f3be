import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describeRulePackTests } from '../_shared/standard-tests';
import {
  RolePolicies,
  actionIsKnown,
  actionsOf,
  agentRole,
  arnOf,
  logicalIdOf,
  resolved,
  simulateAs,
  templateOf,
} from '../_shared/simulation';
import { buildApp } from './app';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('example: multi-step-workflow', () => {
  // GIVEN the example app: three steps, each its own agent, two of them with a secret
  const app = new App();
  const [stack] = buildApp(app);
  const template = templateOf(stack);
  const steps: Record<string, RolePolicies> = {
    reader: agentRole(template, 'ticket-reader'),
    translator: agentRole(template, 'ticket-translator'),
    notifier: agentRole(template, 'chat-notifier'),
  };
  const secret = (path: string) => {
    const id = logicalIdOf(stack, path);
    const policy = Object.values<Json>(template.Resources).find(
      (r) => r.Type === 'AWS::SecretsManager::ResourcePolicy' && r.Properties.SecretId?.Ref === id,
    );
    return { arn: arnOf(template, id), policy: resolved(template, policy.Properties.ResourcePolicy) };
  };
  const secrets = { translationKey: secret('TranslationApiKey'), webhookSecret: secret('ChatWebhookSecret') };
  const tickets = arnOf(template, logicalIdOf(stack, 'Tickets'));
  const internal = { 'aws:ResourceTag/ai:classification': 'internal' };

  test('synthesizes one small stack: three agent roles, two rotated secrets', () => {
    // WHEN the stack is synthesized
    const t = Template.fromStack(stack);
    // THEN
    // (the trail's revocation filter and alarm count 2)
    expect(Object.keys(template.Resources).length).toBeLessThan(42);
    t.resourceCountIs('AWS::SecretsManager::Secret', 2);
    t.resourcePropertiesCountIs(
      'AWS::SecretsManager::RotationSchedule',
      { RotationRules: { ScheduleExpression: 'rate(30 days)' } },
      2,
    );
    t.resourcePropertiesCountIs(
      'AWS::IAM::Role',
      { Tags: Match.arrayWith([Match.objectLike({ Key: 'ai:agent' })]) },
      3,
    );
  });

  describeRulePackTests(app, stack);

  test.each([
    ['translator', 'translationKey', 'Allowed'],
    ['translator', 'webhookSecret', 'ExplicitlyDenied'],
    ['notifier', 'webhookSecret', 'Allowed'],
    ['notifier', 'translationKey', 'ExplicitlyDenied'],
    ['reader', 'translationKey', 'ExplicitlyDenied'],
    ['reader', 'webhookSecret', 'ExplicitlyDenied'],
  ] as const)('step %s reading %s: %s', async (step, name, expected) => {
    // WHEN the step's role calls GetSecretValue (the secret's resource policy applies)
    const { arn, policy } = secrets[name];
    const decision = await simulateAs(steps[step], {
      action: 'secretsmanager:GetSecretValue',
      resource: arn,
      context: internal,
      resourcePolicy: policy,
    });
    // THEN only the step the secret belongs to reads it; the others hit the secret's Deny
    expect(decision).toBe(expected);
  });

  test.each([
    ['reader', 'dynamodb:GetItem', 'Allowed'],
    ['reader', 'dynamodb:Query', 'Allowed'],
    ['reader', 'dynamodb:PutItem', 'ImplicitlyDenied'],
    ['translator', 'dynamodb:GetItem', 'ImplicitlyDenied'],
    ['notifier', 'dynamodb:GetItem', 'ImplicitlyDenied'],
  ] as const)('step %s calling %s on the ticket table: %s', async (step, action, expected) => {
    // WHEN the step's role calls DynamoDB on the tickets table (tagged internal)
    const decision = await simulateAs(steps[step], { action, resource: tickets, context: internal });
    // THEN only the reader step reads tickets, and it cannot write them
    expect(decision).toBe(expected);
  });

  test('every action of the steps’ policies exists', () => {
    // WHEN the actions of each step's own policy are listed
    const actions = Object.values(steps).flatMap(actionsOf);
    // THEN each one exists in the IAM catalog
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'secretsmanager:GetSecretValue']));
    for (const action of actions)
      expect({ action, known: actionIsKnown(action) }).toEqual({ action, known: true });
  });
});
