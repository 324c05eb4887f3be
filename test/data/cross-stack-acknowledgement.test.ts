import { App, NestedStack, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AgentIdentity, AgentRuntime, DataAccess, DataClassification, DataStore, DataTags } from '../../lib';

const ENV = { account: '111111111111', region: 'us-east-1' };

/**
 * A bucket in one stack and `agents` agents granted its prefix in another (a sibling stack, or a
 * nested stack of the bucket's stack), synthesized; returns the AwsSolutions-IAM5 findings left.
 */
function iam5FindingsAcrossStacks(layout: 'sibling' | 'nested', agents: number): string[] {
  const app = new App();
  const stores = new Stack(app, 'Stores', { env: ENV });
  const bucket = new s3.Bucket(stores, 'Inbox');
  DataTags.of(bucket).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
  const agentStack =
    layout === 'sibling' ? new Stack(app, 'Agents', { env: ENV }) : new NestedStack(stores, 'Agents');
  for (let i = 0; i < agents; i++) {
    const agent = new AgentIdentity(agentStack, `Agent${i}`, {
      agentName: `agent-${i}`,
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
      owner: 'platform@example.com',
    });
    agent.grantData(DataStore.s3Bucket(bucket, { prefix: 'inbox/' }), DataAccess.READ);
  }
  app.synth();
  return new AwsSolutionsChecks(app)
    .validateScope(app)
    .violations.filter((v) => v.ruleName.startsWith('AwsSolutions-IAM5'))
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
}

describe('the object-wildcard acknowledgement of an S3 grant across stacks', () => {
  test.each([['sibling' as const], ['nested' as const]])(
    'holds when the bucket is in another stack (%s): cdk-nag sees the import, the acknowledgement follows it',
    (layout) => {
      // GIVEN an agent in one stack granted a prefix of a bucket in another
      // WHEN AwsSolutions judges the synthesized app
      // THEN the deliberate object wildcard is acknowledged under the name cdk-nag gives it there
      expect(iam5FindingsAcrossStacks(layout, 1)).toEqual([]);
    },
  );

  test('holds on a policy shared by many agents of another stack', () => {
    // GIVEN 60 agents (enough to share their identical grants) in a stack apart from the bucket
    // THEN neither the agents nor their shared policy keep an IAM5 finding
    expect(iam5FindingsAcrossStacks('sibling', 60)).toEqual([]);
  });
});
