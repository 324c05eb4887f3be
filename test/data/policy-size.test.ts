import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AgentIdentity,
  AgentRuntime,
  BedrockModel,
  DataAccess,
  DataClassification,
  DataStore,
  DataTags,
} from '../../lib';
import { agentRoleId, rolePolicies } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

const INLINE_ROLE_POLICY_LIMIT = 10_240; // IAM: aggregate inline policy size per role, whitespace excluded

/** 30 stores of tenant acme: 10 buckets (each its prefix), 10 tables, 10 secrets. */
function thirtyStores(stack: Stack): [DataStore, DataAccess][] {
  const tags = { tenant: 'acme', classification: DataClassification.INTERNAL };
  const stores: [DataStore, DataAccess][] = [];
  for (let i = 0; i < 10; i++) {
    const bucket = new s3.Bucket(stack, `CustomerDocumentsBucket${i}`);
    DataTags.of(bucket).apply(tags);
    stores.push([DataStore.s3Bucket(bucket, { prefix: `inbox/support/team-${i}/` }), DataAccess.READ_WRITE]);
    const table = new dynamodb.Table(stack, `ConversationHistoryTable${i}`, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    DataTags.of(table).apply(tags);
    stores.push([DataStore.dynamoDbTable(table), DataAccess.READ_WRITE]);
    const secret = new secretsmanager.Secret(stack, `PartnerIntegrationApiKey${i}`);
    DataTags.of(secret).apply(tags);
    stores.push([DataStore.secret(secret), DataAccess.READ]);
  }
  return stores;
}

function inlinePolicySize(stack: Stack, agentName: string): number {
  const template = Template.fromStack(stack).toJSON();
  const role = rolePolicies(template, agentRoleId(template, agentName));
  const inline = role.identityPolicies.find((p) => p.name === 'AgentAccess')!;
  return JSON.stringify(inline.policy).length;
}

describe('scale', () => {
  test('an agent granted 30 stores stays under the 10,240-character inline role policy limit', () => {
    // GIVEN a tenant agent
    const { stack } = newStack();
    const agent = new AgentIdentity(stack, 'Agent', {
      agentName: 'support-triage',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
    });
    // WHEN it is granted 30 stores
    for (const [store, access] of thirtyStores(stack)) agent.grantData(store, access);
    // THEN the minified, resolved inline policy fits, with room to spare
    const size = inlinePolicySize(stack, 'support-triage');
    console.log(`inline policy for 30 stores: ${size} characters (limit ${INLINE_ROLE_POLICY_LIMIT})`);
    expect(size).toBeLessThan(INLINE_ROLE_POLICY_LIMIT);
    expect(agent.entitlements).toHaveLength(30);
  });

  test('an agent granted 30 stores and 10 models (5 geographic profiles) stays under the limit', () => {
    const { stack } = newStack();
    const agent = new AgentIdentity(stack, 'Agent', {
      agentName: 'support-triage',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
    });
    for (const [store, access] of thirtyStores(stack)) agent.grantData(store, access);
    const models = [
      ...[
        'anthropic.claude-3-5-haiku-20241022-v1:0',
        'amazon.nova-pro-v1:0',
        'amazon.nova-lite-v1:0',
        'meta.llama3-70b-instruct-v1:0',
        'cohere.command-r-plus-v1:0',
      ].map((id) => BedrockModel.foundationModel(id)),
      ...[
        'anthropic.claude-sonnet-4-20250514-v1:0',
        'anthropic.claude-3-7-sonnet-20250219-v1:0',
        'amazon.nova-premier-v1:0',
        'meta.llama3-3-70b-instruct-v1:0',
        'deepseek.r1-v1:0',
      ].map((id) => BedrockModel.inferenceProfile(`us.${id}`)),
    ];
    agent.grantModels(models);
    const size = inlinePolicySize(stack, 'support-triage');
    console.log(
      `inline policy for 30 stores + 10 models: ${size} characters (limit ${INLINE_ROLE_POLICY_LIMIT})`,
    );
    expect(size).toBeLessThan(INLINE_ROLE_POLICY_LIMIT);
  });

  test('one more agent granted the same stores costs one CloudFormation resource', () => {
    // GIVEN 30 stores and one agent
    const count = (agents: number) => {
      const { stack } = newStack();
      const stores = thirtyStores(stack);
      for (let i = 0; i < agents; i++) {
        const agent = new AgentIdentity(stack, `Agent${i}`, {
          agentName: `agent-${i}`,
          runtime: AgentRuntime.lambdaFunction(),
          tenant: 'acme',
        });
        for (const [store, access] of stores) agent.grantData(store, access);
      }
      return Object.keys(Template.fromStack(stack).toJSON().Resources).length;
    };
    // WHEN a second agent is granted the same stores
    // THEN the template grows by exactly its role
    expect(count(2) - count(1)).toBe(1);
  });
});
