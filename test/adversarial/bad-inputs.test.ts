import { CfnParameter, Fn } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AgentIdentity,
  AgentRuntime,
  BedrockModel,
  DataAccess,
  DataClassification,
  DataStore,
  DataTags,
} from '../../lib';
import { newStack } from '../helpers/stacks';

/**
 * Attacker: a new user (or a careless refactor) whose input silently yields a policy other than the
 * one meant — a grant that can never match, a grant wider than meant, a tenant whose value nobody
 * checked. Each must fail at synth with the construct path, the value and the fix.
 */

const I = DataClassification.INTERNAL;

function tenantAgent(stack: ReturnType<typeof newStack>['stack'], tenant = 'acme') {
  return new AgentIdentity(stack, 'Agent', {
    agentName: 'a',
    runtime: AgentRuntime.lambdaFunction(),
    tenant,
  });
}

describe('a grant on a store that carries no DataTags', () => {
  test('fails synth: its tenant/classification conditions could never match', () => {
    // GIVEN a bucket never tagged with DataTags
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Untagged');
    // WHEN an agent is granted it
    tenantAgent(stack).grantData(DataStore.s3Bucket(bucket), DataAccess.READ);
    // THEN synth names the store and the fix
    expect(() => Template.fromStack(stack)).toThrow(
      /\[TestStack\/Agent\] .*s3 bucket TestStack\/Untagged, which carries no DataTags.*DataTags\.of\(store\)\.apply/,
    );
  });

  test('an imported store (fromBucketName) must have its tags stated', () => {
    const { stack } = newStack();
    const imported = s3.Bucket.fromBucketName(stack, 'Imported', 'acme-archive');
    tenantAgent(stack).grantData(DataStore.s3Bucket(imported), DataAccess.READ);
    expect(() => Template.fromStack(stack)).toThrow(/TestStack\/Imported, which carries no DataTags/);
  });

  test('an imported store whose tags are stated synthesizes, and a wrong stated tenant fails', () => {
    const { stack } = newStack();
    const imported = s3.Bucket.fromBucketName(stack, 'Imported', 'acme-archive');
    DataTags.of(imported).apply({ tenant: 'acme', classification: I });
    tenantAgent(stack).grantData(DataStore.s3Bucket(imported), DataAccess.READ);
    expect(() => Template.fromStack(stack)).not.toThrow();

    const other = newStack();
    const globex = s3.Bucket.fromBucketName(other.stack, 'Imported', 'globex-archive');
    DataTags.of(globex).apply({ tenant: 'globex', classification: I });
    tenantAgent(other.stack).grantData(DataStore.s3Bucket(globex), DataAccess.READ);
    expect(() => Template.fromStack(other.stack)).toThrow(/belongs to tenant "globex"/);
  });
});

describe('a store declared as tagged outside this app', () => {
  test('an imported store may leave its tags to run time, with a warning', () => {
    const { stack } = newStack();
    const imported = s3.Bucket.fromBucketName(stack, 'Imported', 'partner-drop');
    DataTags.of(imported).taggedOutsideThisApp();
    tenantAgent(stack).grantData(DataStore.s3Bucket(imported), DataAccess.READ);
    expect(() => Template.fromStack(stack)).not.toThrow();
    Annotations.fromStack(stack).hasWarning(
      '/TestStack/Imported',
      Match.stringLikeRegexp('tagged outside this app'),
    );
  });

  test('a store created in this app cannot skip its tags that way', () => {
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Own');
    expect(() => DataTags.of(bucket).taggedOutsideThisApp()).toThrow(
      /TestStack\/Own: taggedOutsideThisApp is for stores imported from elsewhere/,
    );
  });
});

describe('S3 prefixes that do not mean what they say', () => {
  test.each([
    ['', /prefix "" is empty/],
    ['../other-tenant/', /prefix "\.\.\/other-tenant\/" has a '\.' or '\.\.' segment/],
    ['inbox/../admin/', /has a '\.' or '\.\.' segment/],
    ['./inbox/', /has a '\.' or '\.\.' segment/],
    ['/inbox/', /no leading slash/],
    ['inbox/*', /contains a wildcard/],
    ['inbox?/', /contains a wildcard/],
    ['inbox//mail/', /has an empty segment/],
  ])('prefix %p is refused at the grant, with the agent path and the bucket path', (prefix, message) => {
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const agent = tenantAgent(stack);
    const grant = () => agent.grantData(DataStore.s3Bucket(bucket, { prefix }), DataAccess.READ);
    expect(grant).toThrow(message);
    expect(grant).toThrow(/^TestStack\/Agent: DataStore\.s3Bucket: TestStack\/Bucket: /);
  });
});

describe('a tenant given as a token', () => {
  test.each([
    ['Fn.importValue', (_s: ReturnType<typeof newStack>['stack']) => Fn.importValue('TenantOfThisStack')],
    [
      'a CfnParameter',
      (s: ReturnType<typeof newStack>['stack']) => new CfnParameter(s, 'Tenant').valueAsString,
    ],
  ])('an agent tenant from %s is refused without the opt-in', (_what, token) => {
    const { stack } = newStack();
    expect(
      () =>
        new AgentIdentity(stack, 'Agent', {
          agentName: 'a',
          runtime: AgentRuntime.lambdaFunction(),
          tenant: token(stack),
        }),
    ).toThrow(/TestStack\/Agent: tenant .* is not known at synth.*allowUnresolvedTenant/);
  });

  test('a store tenant from a token is refused without the opt-in', () => {
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    expect(() =>
      DataTags.of(bucket).apply({
        tenant: new CfnParameter(stack, 'Tenant').valueAsString,
        classification: I,
      }),
    ).toThrow(/TestStack\/Bucket: tenant .* is not known at synth.*allowUnresolvedTenant/);
  });

  test('with the opt-in, a token tenant is never taken as a match at synth', () => {
    // GIVEN an agent whose tenant is a deploy-time parameter, granted a literal tenant's table
    const { stack } = newStack();
    const table = new dynamodb.Table(stack, 'Orders', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    DataTags.of(table).apply({ tenant: 'globex', classification: I });
    const agent = new AgentIdentity(stack, 'Agent', {
      agentName: 'a',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: new CfnParameter(stack, 'Tenant').valueAsString,
      allowUnresolvedTenant: true,
    });
    agent.grantData(DataStore.dynamoDbTable(table), DataAccess.READ);
    // THEN synth cannot prove the tenants equal, and says so (a warning, never a silent match)
    Annotations.fromStack(stack).hasWarning(
      '/TestStack/Agent',
      Match.stringLikeRegexp(
        'tenant is only known at deploy time: its grant on dynamodb table TestStack/Orders',
      ),
    );
  });
});

describe('inference profiles with made-up destination regions', () => {
  test.each([
    [['us-east-9'], /"us-east-9" is not an AWS region/],
    [['eu-west-1'], /"eu-west-1" is not in the us geography/],
  ])('destinationRegions %j is refused at the grant, with the agent path', (regions, message) => {
    const { stack } = newStack();
    const agent = tenantAgent(stack);
    const grant = () =>
      agent.grantModels([
        BedrockModel.inferenceProfile('us.anthropic.claude-sonnet-4-20250514-v1:0', {
          destinationRegions: regions,
        }),
      ]);
    expect(grant).toThrow(message);
    expect(grant).toThrow(/^TestStack\/Agent: BedrockModel\.inferenceProfile: /);
  });
});
