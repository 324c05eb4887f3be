import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity, AgentRuntime } from '../../lib/identity';
import { AgentSecret, SecretRotation } from '../../lib/secrets';
import { TemplateResolver } from '../helpers/resolve';
import { Decision, RolePolicies, agentRoleId, rolePolicies, simulate } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

/**
 * Attacker: an agent of the same tenant that someone granted every Secrets Manager write on `*`
 * (or a human/CI role with the same grant). AgentSecret must lock writes the way it locks reads:
 * the value, its stages, restores and rotation changes only for the declared writers and the
 * rotation function — whatever else the account grants. (Failed on the code before this change:
 * the resource policy locked GetSecretValue only, so every write below was Allowed.)
 */
const WRITES = [
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
  'secretsmanager:RestoreSecret',
  'secretsmanager:CancelRotateSecret',
  'secretsmanager:RotateSecret',
  'secretsmanager:UpdateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:PutResourcePolicy',
];

function scenario() {
  const { stack } = newStack();
  const agent = (name: string) =>
    new AgentIdentity(stack, name, {
      agentName: name.toLowerCase(),
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
    });
  const reader = agent('Reader');
  const writer = agent('Writer');
  const intruder = agent('Intruder');
  intruder.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: WRITES, resources: ['*'] }));
  // a role of a human or a pipeline: not an agent, no ai:* tags
  const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
  operator.addToPrincipalPolicy(new iam.PolicyStatement({ actions: WRITES, resources: ['*'] }));
  new AgentSecret(stack, 'ApiKey', {
    readers: [reader],
    writers: [writer],
    rotation: SecretRotation.generatedApiKey(),
  });
  const template = Template.fromStack(stack).toJSON();
  const resolver = new TemplateResolver(template);
  const idOf = (type: string, includes = '') =>
    Object.keys(template.Resources).find(
      (id) => template.Resources[id].Type === type && id.includes(includes),
    )!;
  return {
    writer: rolePolicies(template, agentRoleId(template, 'writer')),
    intruder: rolePolicies(template, agentRoleId(template, 'intruder')),
    operator: rolePolicies(template, idOf('AWS::IAM::Role', 'Operator')),
    rotation: rolePolicies(template, idOf('AWS::IAM::Role', 'RotationServiceRole')),
    secretArn: resolver.arn(idOf('AWS::SecretsManager::Secret')),
    secretPolicy: resolver.resolve(
      template.Resources[idOf('AWS::SecretsManager::ResourcePolicy')].Properties.ResourcePolicy,
    ),
  };
}

const s = scenario();
const secretTags = { 'aws:ResourceTag/ai:tenant': 'acme', 'aws:ResourceTag/ai:classification': 'internal' };

async function decisions(role: RolePolicies, actions: string[]): Promise<Record<string, Decision>> {
  const out: Record<string, Decision> = {};
  for (const action of actions) {
    out[action] = await simulate(role, {
      action,
      resource: s.secretArn,
      context: secretTags,
      resourcePolicy: s.secretPolicy,
    });
  }
  return out;
}

const all = (actions: string[], decision: Decision) => Object.fromEntries(actions.map((a) => [a, decision]));

describe('AgentSecret write lock (simulated with the secret resource policy)', () => {
  test('another agent granted every write on * is explicitly denied each of them on the secret', async () => {
    // WHEN the over-granted agent tries to overwrite, restage, restore, stop rotating or delete the secret
    // THEN the resource policy denies every attempt
    expect(await decisions(s.intruder, WRITES)).toEqual(all(WRITES, 'ExplicitlyDenied'));
  });

  test('a non-agent principal granted the writes cannot change the value or its stages', async () => {
    const value = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'];
    expect(await decisions(s.operator, value)).toEqual(all(value, 'ExplicitlyDenied'));
    // CloudFormation (the rotation schedule) and administrators still manage the secret's lifecycle
    const lifecycle = [
      'secretsmanager:CancelRotateSecret',
      'secretsmanager:RotateSecret',
      'secretsmanager:RestoreSecret',
    ];
    expect(await decisions(s.operator, lifecycle)).toEqual(all(lifecycle, 'Allowed'));
  });

  test('the declared writer may put a value; the rotation function may put and restage', async () => {
    expect(await decisions(s.writer, ['secretsmanager:PutSecretValue'])).toEqual({
      'secretsmanager:PutSecretValue': 'Allowed',
    });
    const rotation = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'];
    expect(await decisions(s.rotation, rotation)).toEqual(all(rotation, 'Allowed'));
  });

  test('without the resource policy the intruder would have been allowed (the deny is what stops it)', async () => {
    const decision = await simulate(s.intruder, {
      action: 'secretsmanager:PutSecretValue',
      resource: s.secretArn,
      context: secretTags,
    });
    expect(decision).toBe('Allowed');
  });
});
