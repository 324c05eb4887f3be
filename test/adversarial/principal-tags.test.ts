import { Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataTags } from '../../lib/data';
import { AgentIdentity, AgentRuntime, DataClassification } from '../../lib/identity';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Attacker (or a careless platform engineer): change an agent's principal tags — the attributes
 * all ABAC rests on — without touching the agent, by tagging an ancestor. `DataTags.of(stack)`
 * used to retag every role under the stack with the data's tenant (or strip its tenant), and
 * `Tags.of(stack).add('ai:tenant', ...)` with a higher priority silently moved the agent to
 * another tenant. Now DataTags skips IAM principals, and any other change is a synth-time error.
 */
function agents() {
  const { app, stack } = newStack();
  const acme = new AgentIdentity(stack, 'Acme', {
    agentName: 'acme-agent',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    clearance: DataClassification.INTERNAL,
  });
  const platform = new AgentIdentity(stack, 'Platform', {
    agentName: 'platform-agent',
    runtime: AgentRuntime.lambdaFunction(),
  });
  new s3.Bucket(stack, 'Data');
  return { app, stack, acme, platform };
}

function roleTags(template: Json, agentName: string): Record<string, string> {
  const role = Object.values<Json>(template.Resources).find(
    (r) => r.Type === 'AWS::IAM::Role' && (r.Properties.Tags ?? []).some((t: Json) => t.Value === agentName),
  );
  return Object.fromEntries(role.Properties.Tags.map((t: Json) => [t.Key, t.Value]));
}

describe('an agent’s principal tags cannot be changed from an ancestor', () => {
  test('DataTags on the stack tags the data, never the agent roles (failed before: ai:tenant became globex)', () => {
    const { stack } = agents();
    // WHEN the platform engineer tags "everything in this stack" as globex data
    DataTags.of(stack).apply({ tenant: 'globex', classification: DataClassification.RESTRICTED });
    const template = Template.fromStack(stack).toJSON();
    // THEN the bucket is globex data, the agents keep their declared attributes
    const bucket = Object.values<Json>(template.Resources).find((r) => r.Type === 'AWS::S3::Bucket');
    expect(bucket.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'ai:tenant', Value: 'globex' }]));
    expect(roleTags(template, 'acme-agent')).toMatchObject({
      'ai:tenant': 'acme',
      'ai:clearance': 'internal',
    });
    expect(roleTags(template, 'acme-agent')['ai:classification']).toBeUndefined();
    expect(roleTags(template, 'platform-agent')['ai:tenant']).toBeUndefined();
  });

  test('DataTags without a tenant on the stack does not strip the agent’s tenant', () => {
    const { stack } = agents();
    DataTags.of(stack).apply({ classification: DataClassification.INTERNAL });
    expect(roleTags(Template.fromStack(stack).toJSON(), 'acme-agent')['ai:tenant']).toBe('acme');
  });

  test.each([
    ['ai:tenant', 'globex', 'Acme'],
    ['ai:clearance', 'restricted', 'Acme'],
    ['ai:agent', 'someone-else', 'Acme'],
    ['ai:tenant', 'acme', 'Platform'],
  ])(
    'Tags.of(stack).add(%s, %s) with a higher priority fails synth naming the agent (%s)',
    (key, value, id) => {
      const { app, stack } = agents();
      Tags.of(stack).add(key, value, { priority: 5000 });
      // WHEN synthesized THEN the validation names the agent role, the key and the fix
      expect(() => app.synth()).toThrow(new RegExp(`${id}[\\s\\S]*principal tag ${key} of the agent role`));
    },
  );

  test('a property override of the role’s Tags fails synth', () => {
    const { app, acme } = agents();
    (acme.role.node.defaultChild as iam.CfnRole).addPropertyOverride('Tags', [
      { Key: 'ai:agent', Value: 'acme-agent' },
      { Key: 'ai:tenant', Value: 'globex' },
      { Key: 'ai:clearance', Value: 'internal' },
    ]);
    expect(() => app.synth()).toThrow(/principal tag ai:tenant of the agent role renders as "globex"/);
  });

  test('an app-wide tag on another key, and an ai:owner where none was declared, are fine', () => {
    const { app, stack } = agents();
    Tags.of(stack).add('cost-center', '42');
    Tags.of(stack).add('ai:owner', 'platform@example.com');
    expect(() => app.synth()).not.toThrow();
  });
});
