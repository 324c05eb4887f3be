import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { agentRole, simulateData } from '../../test/data/data-sim';
import { PARTITION } from '../../test/helpers/resolve';
import { simulate } from '../../test/helpers/simulate';
import { DEMO_BUCKET_CONTROL_TOWER } from '../_shared/demo-data-bucket';
import { describeRulePackTests } from '../_shared/standard-tests';
import { AGENTS, PREFIXES, ResearchTeamStack, SHARED_MODEL_ID, buildApp } from './app';

type Role = keyof typeof AGENTS;
type Prefix = keyof typeof PREFIXES;

// GIVEN the research team app
const app = new App();
const [stack] = buildApp(app) as [ResearchTeamStack];
const bucketName = Stack.of(stack)
  .resolve((stack.workspace.node.defaultChild as s3.CfnBucket).logicalId)
  .toLowerCase();
const objectArn = (prefix: Prefix) => `arn:${PARTITION}:s3:::${bucketName}/${PREFIXES[prefix]}notes.md`;
const bucketTags = { 'aws:ResourceTag/ai:classification': 'internal' };
const roles = {
  researcher: agentRole(stack, AGENTS.researcher),
  coder: agentRole(stack, AGENTS.coder),
  reviewer: agentRole(stack, AGENTS.reviewer),
};

describe('research team: each agent writes only its own prefix of the shared workspace', () => {
  test.each<[Role, string, Prefix, string]>([
    ['researcher', 's3:GetObject', 'sources', 'Allowed'],
    ['researcher', 's3:GetObject', 'code', 'ImplicitlyDenied'],
    ['researcher', 's3:PutObject', 'sources', 'ImplicitlyDenied'],
    ['researcher', 's3:PutObject', 'code', 'ImplicitlyDenied'],
    ['researcher', 's3:PutObject', 'reviews', 'ImplicitlyDenied'],
    ['coder', 's3:GetObject', 'sources', 'Allowed'],
    ['coder', 's3:PutObject', 'code', 'Allowed'],
    ['coder', 's3:GetObject', 'reviews', 'ImplicitlyDenied'],
    ['coder', 's3:PutObject', 'sources', 'ImplicitlyDenied'],
    ['coder', 's3:PutObject', 'reviews', 'ImplicitlyDenied'],
    ['coder', 's3:DeleteObject', 'code', 'ImplicitlyDenied'],
    ['reviewer', 's3:GetObject', 'code', 'Allowed'],
    ['reviewer', 's3:PutObject', 'reviews', 'Allowed'],
    ['reviewer', 's3:GetObject', 'sources', 'ImplicitlyDenied'],
    ['reviewer', 's3:PutObject', 'code', 'ImplicitlyDenied'],
    ['reviewer', 's3:PutObject', 'sources', 'ImplicitlyDenied'],
  ])('%s %s on %s/ is %s', async (who, action, prefix, expected) => {
    // WHEN the agent calls S3 on an object under the prefix of the tagged workspace bucket
    const decision = await simulateData(roles[who], {
      action,
      resource: objectArn(prefix),
      context: bucketTags,
    });
    // THEN IAM decides as the team's division of work says
    expect(decision).toBe(expected);
  });

  test("a write is denied when the workspace is tagged above the agents' clearance (ABAC decides, not the ARN alone)", async () => {
    // WHEN the coder writes code/ but the bucket carries a confidential classification tag
    const decision = await simulateData(roles.coder, {
      action: 's3:PutObject',
      resource: objectArn('code'),
      context: { 'aws:ResourceTag/ai:classification': 'confidential' },
    });
    // THEN it is denied
    expect(decision).toBe('ImplicitlyDenied');
  });

  test.each<[Role, Prefix, string]>([
    ['researcher', 'sources', 'Allowed'],
    ['researcher', 'code', 'ImplicitlyDenied'],
    ['reviewer', 'code', 'Allowed'],
    ['reviewer', 'sources', 'ImplicitlyDenied'],
  ])('%s listing %s/ is %s', async (who, prefix, expected) => {
    // WHEN the agent lists the bucket under a prefix
    const decision = await simulateData(roles[who], {
      action: 's3:ListBucket',
      resource: `arn:${PARTITION}:s3:::${bucketName}`,
      context: { ...bucketTags, 's3:prefix': PREFIXES[prefix] },
    });
    // THEN only its own prefixes are listable
    expect(decision).toBe(expected);
  });

  test.each<[Role]>([['researcher'], ['coder'], ['reviewer']])(
    '%s cannot retag the workspace to reach other data (permissions guardrail)',
    async (who) => {
      // WHEN the agent tries to replace the bucket's tags
      const decision = await simulateData(roles[who], {
        action: 's3:PutBucketTagging',
        resource: `arn:${PARTITION}:s3:::${bucketName}`,
        context: bucketTags,
      });
      // THEN the permissions guardrail denies it explicitly
      expect(decision).toBe('ExplicitlyDenied');
    },
  );

  test.each<[Role]>([['researcher'], ['coder'], ['reviewer']])(
    '%s may call the shared model',
    async (who) => {
      // WHEN the agent invokes the team's model
      const decision = await simulate(roles[who], {
        action: 'bedrock:InvokeModel',
        resource: `arn:${PARTITION}:bedrock:us-east-1::foundation-model/${SHARED_MODEL_ID}`,
      });
      // THEN it is allowed, and no other model is
      expect(decision).toBe('Allowed');
      const other = await simulate(roles[who], {
        action: 'bedrock:InvokeModel',
        resource: `arn:${PARTITION}:bedrock:us-east-1::foundation-model/anthropic.claude-3-opus-20240229-v1:0`,
      });
      expect(other).toBe('ImplicitlyDenied');
    },
  );
});

describe('research team app', () => {
  test('synthesizes three ECS task agents and one tagged, ABAC-enabled workspace', () => {
    // WHEN the stack is synthesized
    const template = Template.fromStack(stack);
    // THEN there are three agent roles, one workspace bucket with bucket ABAC and classification tag
    const roleIds = Object.keys(
      template.findResources('AWS::IAM::Role', {
        Properties: { Tags: Match.arrayWith([Match.objectLike({ Key: 'ai:agent' })]) },
      }),
    );
    expect(roleIds).toHaveLength(3);
    template.hasResourceProperties('AWS::S3::Bucket', {
      AbacStatus: 'Enabled',
      Tags: Match.arrayWith([{ Key: 'ai:classification', Value: 'internal' }]),
    });
    // the tool gateway (tools.ts) adds one Cedar policy per agent and tool; the rest stays small
    const resources = Object.values<{ Type: string }>(template.toJSON().Resources);
    expect(resources.filter((r) => !r.Type.startsWith('AWS::BedrockAgentCore::')).length).toBeLessThan(40);
  });

  describeRulePackTests(
    app,
    stack,
    Object.keys(DEMO_BUCKET_CONTROL_TOWER).map((rule) => `${rule} Workspace/Resource`),
  );
});
