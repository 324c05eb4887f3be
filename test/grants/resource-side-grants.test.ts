import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Tags, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  AgentAuditTrail,
  AgentCoreTarget,
  AgentEntitlementReport,
  AgentIdentity,
  AgentRuntime,
  AgentSecret,
  BedrockAgentAlias,
  BedrockKnowledgeBase,
  BedrockModel,
  DataAccess,
  DataClassification,
  DataStore,
  DataTags,
  GuardrailPin,
  SecretRotation,
} from '../../lib';
import { check, findingsFor, handWrittenRole, plainApp } from '../checks/fixtures';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ENV = { account: '111111111111', region: 'us-east-1' };
const KB = 'arn:aws:bedrock:us-east-1:111111111111:knowledge-base/ABCDE12345';
const ALIAS = 'arn:aws:bedrock:us-east-1:111111111111:agent-alias/AGENT12345/ALIAS12345';
const PROFILE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const GATEWAY = 'arn:aws:bedrock-agentcore:us-east-1:111111111111:gateway/tools-gw-abc123';

interface Built {
  readonly stack: Stack;
  readonly agent: AgentIdentity;
  readonly report: Json;
}

/**
 * One app granted the same things twice: from the agent's side (`agent.grantData`,
 * `agent.grantModels`, `readers: [...]`) or from the resource's side, naming the agent in every
 * form a user may hold it (the agent, its role, its grant principal, a Lambda function running as
 * its role).
 */
function build(side: 'agent' | 'resource'): Built {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), `grants-${side}-`)) });
  const reportPlugin = new AgentEntitlementReport(app);
  Validations.of(app).addPlugins(reportPlugin);
  const stack = new Stack(app, 'Grants', { env: ENV });
  const trail = new AgentAuditTrail(stack, 'Audit');
  const bucket = new s3.Bucket(stack, 'Inbox');
  DataTags.of(bucket).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
  const table = new dynamodb.Table(stack, 'Orders', {
    partitionKey: { name: 'tenant', type: dynamodb.AttributeType.STRING },
  });
  DataTags.of(table).apply({ classification: DataClassification.INTERNAL });
  const guardrail = new bedrock.CfnGuardrail(stack, 'Guardrail', {
    name: 'g',
    blockedInputMessaging: 'no',
    blockedOutputsMessaging: 'no',
    contentPolicyConfig: { filtersConfig: [{ type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' }] },
  });
  const other = new AgentIdentity(stack, 'Other', {
    agentName: 'other',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    auditTrail: trail,
  });
  const agent = new AgentIdentity(stack, 'Triage', {
    agentName: 'triage',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    owner: 'support@example.com',
    auditTrail: trail,
  });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => 0;'),
    role: agent.role,
  });

  const inbox = DataStore.s3Bucket(bucket, { prefix: 'inbox/' });
  const orders = DataStore.dynamoDbTable(table, { tenantPartitioned: true });
  const model = BedrockModel.inferenceProfile(PROFILE);
  const pin = { guardrail: GuardrailPin.version(guardrail, '1') };
  const kb = BedrockKnowledgeBase.fromArn(KB);
  const alias = BedrockAgentAlias.fromArn(ALIAS);
  const gateway = AgentCoreTarget.gateway(GATEWAY);
  const rotation = SecretRotation.generatedApiKey();
  if (side === 'agent') {
    agent.grantData(inbox, DataAccess.READ);
    agent.grantData(orders, DataAccess.READ_WRITE);
    agent.grantData(orders, DataAccess.DELETE);
    agent.grantModels([model], pin);
    kb.grantRetrieve(agent);
    alias.grantInvoke(agent);
    gateway.grantInvoke(agent);
    new AgentSecret(stack, 'Key', { readers: [other, agent], rotation });
  } else {
    inbox.grantRead(agent);
    orders.grantReadWrite(agent.role);
    orders.grantDelete(fn);
    model.grantInvoke(agent.grantPrincipal, pin);
    kb.grantRetrieve(fn);
    alias.grantInvoke(agent.role);
    gateway.grantInvoke(fn);
    new AgentSecret(stack, 'Key', { readers: [other], rotation }).grantRead(agent);
  }
  app.synth();
  return { stack, agent, report: reportPlugin.report?.toJson() };
}

describe('a grant from the resource side to an agent is the agent-side grant', () => {
  // GIVEN the same grants made from either side
  const agentSide = build('agent');
  const resourceSide = build('resource');

  test('the synthesized templates are identical', () => {
    // THEN CloudFormation gets exactly the same template (policies, conditions, fence, secret lock, trail)
    expect(Template.fromStack(resourceSide.stack).toJSON()).toEqual(
      Template.fromStack(agentSide.stack).toJSON(),
    );
  });

  test('the recorded entitlements are identical, and the audit trail records the same resources', () => {
    // (tokens are numbered per app, so compare them resolved)
    const resolved = ({ stack, agent }: Built) => stack.resolve(agent.entitlements);
    expect(resolved(resourceSide)).toEqual(resolved(agentSide));
    expect(resourceSide.agent.entitlements.map((e) => e.kind)).toEqual([
      'data',
      'data',
      'data',
      'model',
      'guardrail',
      'knowledge-base',
      'agent',
      'agent',
      'secret',
    ]);
  });

  test('the entitlement report JSON is identical and lists the resource-side grants on the agent', () => {
    expect(resourceSide.report).toBeDefined();
    expect(JSON.stringify(resourceSide.report)).toBe(JSON.stringify(agentSide.report));
    const triage = resourceSide.report.agents.find((a: Json) => a.agentName === 'triage');
    expect(JSON.stringify(triage)).toContain('bedrock:Retrieve');
    expect(JSON.stringify(triage)).toContain('bedrock:InvokeAgent');
    expect(JSON.stringify(triage)).toContain('dynamodb:DeleteItem');
  });
});

describe('a grant from the resource side to a principal that is not an agent', () => {
  function setup() {
    const { stack } = newStack();
    const role = new iam.Role(stack, 'Ingest', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    const bucket = new s3.Bucket(stack, 'Inbox');
    DataTags.of(bucket).apply({ tenant: 'acme', classification: DataClassification.CONFIDENTIAL });
    return { stack, role, bucket };
  }
  const policyOf = (stack: Stack): Json[] =>
    Object.values<Json>(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );

  test('a store grants its exact actions and ARNs under its own classification, with no tenant condition', () => {
    // GIVEN a plain role WHEN a tenant's bucket grants it READ_WRITE on a prefix
    const { stack, role, bucket } = setup();
    const grant = DataStore.s3Bucket(bucket, { prefix: 'in/' }).grantReadWrite(role);
    // THEN
    expect(grant.success).toBe(true);
    const classification = {
      StringEquals: { 'aws:ResourceTag/ai:classification': ['public', 'internal', 'confidential'] },
    };
    const statements = policyOf(stack);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 's3:GetObject', Condition: classification }),
        expect.objectContaining({
          Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
          Condition: classification,
        }),
        expect.objectContaining({
          Action: 's3:ListBucket',
          Condition: { ...classification, StringLike: { 's3:prefix': ['in/*'] } },
        }),
      ]),
    );
    expect(statements).toHaveLength(3);
    expect(JSON.stringify(statements)).not.toContain('ai:tenant');
    expect(JSON.stringify(statements)).not.toContain('DeleteObject');
  });

  test('the classification is the one DataTags declares, also when the tags come after the grant', () => {
    const { stack } = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const queue = new sqs.Queue(stack, 'Q');
    DataStore.sqsQueue(queue).grantRead(role);
    DataTags.of(queue).apply({ classification: DataClassification.PUBLIC });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'sqs:ReceiveMessage',
            Condition: { StringEquals: { 'aws:ResourceTag/ai:classification': ['public'] } },
          }),
        ],
      },
    });
  });

  test('a store shared by tenants is refused: the grant would reach every tenant', () => {
    const { stack, role } = setup();
    const table = new dynamodb.Table(stack, 'Orders', {
      partitionKey: { name: 'tenant', type: dynamodb.AttributeType.STRING },
    });
    DataTags.of(table).apply({ classification: DataClassification.INTERNAL });
    expect(() => DataStore.dynamoDbTable(table, { tenantPartitioned: true }).grantRead(role)).toThrow(
      /^TestStack\/Ingest: dynamodb table TestStack\/Orders \(partitioned by tenant\) is shared by tenants .* a READ grant would reach every tenant's data; grant an AgentIdentity of the tenant .* or use SupportAccess/,
    );
    const shared = new s3.Bucket(stack, 'Shared');
    DataTags.of(shared).apply({ classification: DataClassification.INTERNAL });
    expect(() => DataStore.s3Bucket(shared, { objectTags: true }).grantWrite(role)).toThrow(
      /s3 bucket TestStack\/Shared \(tenant per object tag\) is shared by tenants/,
    );
  });

  test('a store without DataTags, or tagged outside this app, fails synth naming the principal and the fix', () => {
    const { stack, role } = setup();
    DataStore.s3Bucket(new s3.Bucket(stack, 'Untagged')).grantRead(role);
    const imported = s3.Bucket.fromBucketName(stack, 'Imported', 'partner-drop');
    DataTags.of(imported).taggedOutsideThisApp();
    DataStore.s3Bucket(imported).grantRead(role);
    expect(() => Template.fromStack(stack)).toThrow(
      /TestStack\/Ingest \(not an agent\) is granted s3 bucket TestStack\/Untagged, which carries no DataTags.*DataTags\.of\(store\)\.apply/s,
    );
    const { stack: s2, role: r2 } = setup();
    const imported2 = s3.Bucket.fromBucketName(s2, 'Imported', 'partner-drop');
    DataTags.of(imported2).taggedOutsideThisApp();
    DataStore.s3Bucket(imported2).grantRead(r2);
    expect(() => Template.fromStack(s2)).toThrow(
      /which is tagged outside this app: its classification is unknown at synth/,
    );
  });

  test('principals without an identity policy in this app are refused, not silently skipped', () => {
    const { bucket } = setup();
    const store = DataStore.s3Bucket(bucket);
    expect(() => store.grantRead(new iam.ArnPrincipal('arn:aws:iam::111111111111:role/x'))).toThrow(
      /^TestStack\/Inbox: the grantee of s3 bucket TestStack\/Inbox \("ArnPrincipal"\) is not an agent, a role, a user or a group of this app.*iam\.Role\.fromRoleArn/,
    );
    expect(() =>
      BedrockModel.foundationModel('amazon.nova-pro-v1:0').grantInvoke(new iam.AccountRootPrincipal()),
    ).toThrow(/^the grantee of model amazon\.nova-pro-v1:0 \("AccountRootPrincipal"\) is not an agent/);
    expect(() => store.grantRead(undefined as unknown as iam.IGrantable)).toThrow(
      /the grantee of s3 bucket TestStack\/Inbox must be an AgentIdentity or an iam\.IGrantable/,
    );
  });

  test('an imported role gets the grant in a policy of this app', () => {
    const { stack, bucket } = setup();
    const imported = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111111111111:role/etl');
    DataStore.s3Bucket(bucket).grantRead(imported);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', { Roles: ['etl'] });
  });

  test('a model grants exact ARNs and profile routes; a guardrail pin is refused', () => {
    const { stack, role } = setup();
    BedrockModel.inferenceProfile(PROFILE).grantInvoke(role, { streaming: false });
    const statements = policyOf(stack);
    expect(statements.map((s) => s.Action)).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModel']);
    expect(statements[1].Condition).toEqual({
      StringEquals: { 'bedrock:InferenceProfileArn': expect.anything() },
    });
    const guardrail = GuardrailPin.version('arn:aws:bedrock:us-east-1:111111111111:guardrail/abc123', '2');
    expect(() => BedrockModel.inferenceProfile(PROFILE).grantInvoke(role, { guardrail })).toThrow(
      /^TestStack\/Ingest: a guardrail can be pinned only on an agent's model invocations/,
    );
  });

  test('knowledge base, RetrieveAndGenerate, agent alias and AgentCore gateway grant a Lambda function exactly', () => {
    const { stack } = setup();
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 0;'),
    });
    BedrockKnowledgeBase.fromArn(KB).grantRetrieveAndGenerate(
      fn,
      BedrockModel.foundationModel('amazon.nova-pro-v1:0'),
    );
    BedrockAgentAlias.fromArn(ALIAS).grantInvoke(fn);
    AgentCoreTarget.gateway(GATEWAY).grantInvoke(fn);
    const statements = policyOf(stack);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'bedrock:Retrieve', Resource: KB }),
        expect.objectContaining({ Action: 'bedrock:RetrieveAndGenerate', Resource: '*' }),
        expect.objectContaining({ Action: 'bedrock:InvokeAgent', Resource: ALIAS }),
        expect.objectContaining({ Action: 'bedrock-agentcore:InvokeGateway', Resource: GATEWAY }),
      ]),
    );
  });

  test('AgentSecret.grantRead: a role of the stack is exempted from the read lock and gets the exact secret', () => {
    const { stack, role } = setup();
    const reader = new AgentIdentity(stack, 'Reader', {
      agentName: 'reader',
      runtime: AgentRuntime.lambdaFunction(),
    });
    const secret = new AgentSecret(stack, 'Key', {
      readers: [reader],
      rotation: SecretRotation.generatedApiKey(),
    });
    secret.grantRead(role);
    const t = Template.fromStack(stack);
    const lock = Object.values<Json>(
      t.findResources('AWS::SecretsManager::ResourcePolicy'),
    )[0].Properties.ResourcePolicy.Statement.find((s: Json) => s.Sid === 'DenyReadExceptReadersAndRotation');
    const exempt = JSON.stringify(lock.Condition.ArnNotEquals['aws:PrincipalArn']);
    const roleId = Object.keys(t.findResources('AWS::IAM::Role')).find((id) => id.startsWith('Ingest'))!;
    expect(exempt).toContain(`"${roleId}"`);
    expect(lock.Condition.ArnNotEquals['aws:PrincipalArn']).toHaveLength(3); // reader, role, rotation
    const read = policyOf(stack).find((s) => JSON.stringify(s.Action).includes('GetSecretValue'));
    expect(read.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/ai:classification': ['public', 'internal'] },
    });
  });

  test('AgentSecret.grantRead refuses what the lock cannot name or the tenant forbids', () => {
    const { stack, role } = setup();
    const reader = new AgentIdentity(stack, 'Reader', {
      agentName: 'reader',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
    });
    const secret = new AgentSecret(stack, 'Key', {
      readers: [reader],
      rotation: SecretRotation.generatedApiKey(),
    });
    const globex = new AgentIdentity(stack, 'Globex', {
      agentName: 'globex',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'globex',
    });
    expect(() => secret.grantRead(globex)).toThrow(
      /^TestStack\/Key: agent "globex" serves tenant "globex" but the secret belongs to "acme"/,
    );
    expect(() => secret.grantRead(reader)).toThrow(/agent "reader" already reads this secret/);
    expect(() => secret.grantRead(new iam.User(stack, 'U'))).toThrow(
      /^TestStack\/Key: grantRead needs an agent or an IAM role .* a user or group does not have/,
    );
    secret.grantRead(role);
    expect(() => secret.grantRead(role)).toThrow(/TestStack\/Ingest already reads this secret/);
    const otherStack = new Stack(stack.node.root as App, 'Other', { env: ENV });
    const far = new iam.Role(otherStack, 'Far', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    expect(() => secret.grantRead(far)).toThrow(/grantRead role "Other\/Far" is in stack "Other"/);
    const low = new AgentIdentity(stack, 'Low', {
      agentName: 'low',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
      clearance: DataClassification.PUBLIC,
    });
    expect(() => secret.grantRead(low)).toThrow(
      /agent "low" has clearance "public", below the secret's classification/,
    );
  });
});

describe('a hand-written agent role (tagged ai:agent, not an AgentIdentity) granted from the store side', () => {
  test('is not mistaken for an agent, and AgentIdentity-TenantAbac reports its grant without a tenant condition', () => {
    // GIVEN a hand-written agent role of tenant acme (tags only: no AgentIdentity behind it)
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'HandWritten', 'hand-written');
    Tags.of(role).add('ai:tenant', 'acme');
    const bucket = new s3.Bucket(stack, 'Inbox');
    DataTags.of(bucket).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
    // WHEN the store grants it READ
    DataStore.s3Bucket(bucket).grantRead(role);
    // THEN it got the non-agent grant (tags are claims, not proof of an agent) ...
    const statements = Object.values<Json>(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => JSON.stringify(s.Action).includes('s3:'));
    expect(JSON.stringify(statements)).not.toContain('ai:tenant');
    // ... which the checks judge as they judge any role tagged ai:tenant: no tenant condition is a finding
    const bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    expect(findingsFor(check(app), 'TenantAbac')).toEqual(
      expect.arrayContaining([`Resource::<${bucketId}.Arn>`, `Resource::<${bucketId}.Arn>/*`]),
    );
  });
});
