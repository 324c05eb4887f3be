import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as fs from 'fs';
import * as path from 'path';
import { ArnFormat, Duration, Fn, Tags, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AgentIdentity, AgentIdentityChecks, AgentRuntime } from '../../lib';
import { actionExists } from '../../lib/shared/iam-catalog';
import { BEDROCK_INVOKE_ACTIONS } from '../../lib/checks/rules/bedrock-exact-models';
import { ESCALATION_ACTIONS } from '../../lib/checks/rules/no-privilege-escalation';
import { DUTY_PAIRS } from '../../lib/checks/rules/segregation-of-duties';
import {
  CleanApp,
  check,
  cleanApp,
  findingIds,
  handWrittenRole,
  plainApp,
  ruleIds,
  auditTrailInto,
} from './fixtures';

const WITH_GUARDRAIL = { requireGuardrail: true };

describe('AgentIdentityChecks on a clean app', () => {
  test('an app built with AgentIdentity passes every rule', () => {
    // GIVEN an app with a tenant agent, a qualifying trail, a rotated secret, a pinned model
    const { app } = cleanApp();
    // WHEN the pack runs (with the strictest option)
    const report = check(app, WITH_GUARDRAIL);
    // THEN nothing is reported
    expect(findingIds(report)).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('a hand-written agent role (plain iam.Role + Tags) that follows the rules passes', () => {
    // GIVEN a plain role tagged ai:agent, with a boundary, narrow trust and an exact grant
    const { app, stack } = plainApp();
    handWrittenRole(stack, 'Role', 'hand-written');
    auditTrailInto(stack);
    // WHEN
    const report = check(app);
    // THEN
    expect(findingIds(report)).toEqual([]);
  });

  test('roles without the ai:agent tag are not judged', () => {
    // GIVEN a role with a wildcard grant but no ai:agent tag
    const { app, stack } = plainApp();
    const role = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
    // WHEN
    const report = check(app);
    // THEN
    expect(findingIds(report)).toEqual([]);
  });
});

describe('each kind of violation, injected into a clean app, is reported by exactly its rule', () => {
  const modelArn = (c: CleanApp, name: string) =>
    c.stack.formatArn({ service: 'bedrock', account: '', resource: 'foundation-model', resourceName: name });
  const allow = (c: CleanApp, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    c.agent.addToAgentPolicy(new iam.PolicyStatement({ actions, resources, conditions }));
  const tenantCondition = { StringEquals: { 'aws:ResourceTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}' } };

  const cases: [string, (c: CleanApp) => void][] = [
    [
      'NoWildcardActions',
      (c) =>
        allow(c, ['s3:GetObject*'], [c.bucket.arnForObjects('inbox/*')], {
          StringEquals: { 's3:ExistingObjectTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}' },
        }),
    ],
    ['NoWildcardResources', (c) => allow(c, ['logs:CreateLogGroup'], ['*'])],
    [
      'ActionsExist',
      (c) => allow(c, ['bedrock:InvokeModels'], [modelArn(c, 'anthropic.claude-3-5-haiku-20241022-v1:0')]),
    ],
    [
      'PermissionsBoundary',
      (c) =>
        (c.agent.role.node.defaultChild as iam.CfnRole).addPropertyDeletionOverride('PermissionsBoundary'),
    ],
    [
      'MaxSessionDuration',
      (c) => (c.agent.role.node.defaultChild as iam.CfnRole).addPropertyOverride('MaxSessionDuration', 7200),
    ],
    [
      'NarrowTrust',
      (c) =>
        (c.agent.role as iam.Role).assumeRolePolicy!.addStatements(
          new iam.PolicyStatement({
            actions: ['sts:AssumeRole'],
            principals: [new iam.AccountPrincipal('222222222222')],
          }),
        ),
    ],
    [
      'NoPrivilegeEscalation',
      (c) =>
        allow(
          c,
          ['iam:PassRole'],
          [c.stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'worker' })],
        ),
    ],
    ['TenantAbac', (c) => allow(c, ['s3:GetObject'], [c.bucket.arnForObjects('shared/*')])],
    ['BedrockExactModels', (c) => allow(c, ['bedrock:InvokeModel'], [modelArn(c, 'anthropic.*')])],
    [
      'GuardrailRequired',
      (c) =>
        allow(
          c,
          ['bedrock:InvokeModelWithResponseStream'],
          [modelArn(c, 'anthropic.claude-3-5-haiku-20241022-v1:0')],
        ),
    ],
    [
      'SecretRotation',
      (c) => {
        const unrotated = new secretsmanager.Secret(c.stack, 'Unrotated', {
          encryptionKey: new kms.Key(c.stack, 'K2'),
        });
        allow(c, ['secretsmanager:GetSecretValue'], [unrotated.secretArn], tenantCondition);
      },
    ],
    ['AuditTrail', (c) => (c.trail.enableLogFileValidation = false)],
    [
      'SegregationOfDuties',
      (c) =>
        allow(
          c,
          ['sagemaker:CreateModelPackage', 'sagemaker:UpdateModelPackage'],
          [c.stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: 'fraud/1' })],
        ),
    ],
    ['RequiredTags', (c) => Tags.of(c.agent).remove('ai:owner', { priority: 2000 })],
    [
      'PermissionsGuardrailsAttached',
      (c) => (c.agent.role.node.defaultChild as iam.CfnRole).addPropertyDeletionOverride('ManagedPolicyArns'),
    ],
    [
      'DelegationFence',
      (c) => {
        const orchestrator = new AgentIdentity(c.stack, 'Globex', {
          agentName: 'globex-orchestrator',
          runtime: AgentRuntime.lambdaFunction(),
          tenant: 'globex',
          owner: 'team@example.com',
        });
        (c.agent.role as iam.Role).assumeRolePolicy!.addStatements(
          new iam.PolicyStatement({
            actions: ['sts:AssumeRole'],
            principals: [new iam.ArnPrincipal(orchestrator.roleArn)],
            conditions: { StringEquals: { 'aws:PrincipalTag/ai:tenant': 'globex' } },
          }),
        );
      },
    ],
    [
      'LeadingKeysGuard',
      (c) =>
        allow(
          c,
          ['dynamodb:Query'],
          [c.stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: 'orders' })],
          {
            'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:PrincipalTag/ai:tenant}'] },
          },
        ),
    ],
    [
      'PrincipalTagWildcard',
      (c) =>
        allow(c, ['s3:GetObject'], [c.bucket.arnForObjects('inbox/*')], {
          StringLike: { 's3:ExistingObjectTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}*' },
        }),
    ],
    [
      'NoAlwaysTrueConditions',
      (c) =>
        allow(c, ['s3:GetObject'], [c.bucket.arnForObjects('inbox/*')], {
          StringEquals: { 's3:ExistingObjectTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}' },
          Null: { 'aws:PrincipalArn': 'false' },
        }),
    ],
    [
      'AgentCoreOwnIdentity',
      (c) =>
        allow(
          c,
          ['bedrock-agentcore:GetWorkloadAccessToken'],
          [
            c.stack.formatArn({
              service: 'bedrock-agentcore',
              resource: 'workload-identity-directory/default/workload-identity/someone-else',
            }),
          ],
        ),
    ],
    [
      'UserIdDelegationReason',
      (c) =>
        allow(
          c,
          ['bedrock-agentcore:GetWorkloadAccessTokenForUserId'],
          [
            c.stack.formatArn({
              service: 'bedrock-agentcore',
              resource: 'workload-identity-directory/default/workload-identity/email-triage',
            }),
          ],
        ),
    ],
    [
      'VaultSecretViaVault',
      (c) =>
        allow(
          c,
          ['secretsmanager:GetSecretValue'],
          [
            c.stack.formatArn({
              service: 'secretsmanager',
              resource: 'secret',
              resourceName: 'bedrock-agentcore-identity!default/apikey/llm-AbCdEf',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
          tenantCondition,
        ),
    ],
    [
      'VerifiablePolicies',
      (c) =>
        c.agent.role.addManagedPolicy(
          iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
        ),
    ],
    [
      'GatewayPolicyEngine',
      (c) =>
        allow(
          c,
          ['bedrock-agentcore:InvokeGateway'],
          [
            c.stack.formatArn({
              service: 'bedrock-agentcore',
              resource: 'gateway',
              resourceName: 'elsewhere-1',
            }),
          ],
        ),
    ],
    [
      'ToolPermitScope',
      (c) =>
        new agentcore.PolicyEngine(c.stack, 'ToolEngine').addPolicy('Everything', {
          statement: agentcore.PolicyStatement.fromCedar(
            'permit(principal, action, resource is AgentCore::Gateway);',
          ),
        }),
    ],
    [
      'AttributablePolicies',
      (c) =>
        new iam.CfnPolicy(c.stack, 'ByImport', {
          policyName: 'by-import',
          roles: [Fn.importValue('RoleNameOfAnotherApp')],
          policyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] },
        }),
    ],
  ];

  test('the table covers every rule of the pack', () => {
    expect(cases.map(([rule]) => `AgentIdentity-${rule}`).sort()).toEqual(
      [...AgentIdentityChecks.RULE_IDS].sort(),
    );
  });

  /**
   * Violations that are two findings by nature: a role stripped of its boundary also lacks the
   * beyond-ceiling permissions guardrails the boundary made unnecessary; a trust naming another tenant's
   * orchestrator also lets that orchestrator assume a role outside its tenant.
   */
  const alsoReported: Record<string, string[]> = {
    PermissionsBoundary: ['PermissionsGuardrailsAttached'],
    DelegationFence: ['NoPrivilegeEscalation'],
  };

  test.each(cases)('%s', (rule, inject) => {
    // GIVEN a clean app
    const c = cleanApp();
    // WHEN one violation is injected
    inject(c);
    const report = check(c.app, WITH_GUARDRAIL);
    // THEN exactly that rule (and what it implies) is reported, as an error that fails synth
    expect(ruleIds(report)).toEqual(
      [rule, ...(alsoReported[rule] ?? [])].map((r) => `AgentIdentity-${r}`).sort(),
    );
    expect(report.success).toBe(false);
    expect(report.violations.every((v) => v.severity === 'error')).toBe(true);
  });
});

describe('acknowledgements', () => {
  function twoFindings(): CleanApp {
    const c = cleanApp();
    c.agent.addToAgentPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:CreateLogStream'], resources: ['*'] }),
    );
    return c;
  }

  test('an acknowledged finding is no longer reported; the others still are', () => {
    // GIVEN two findings of one rule
    const c = twoFindings();
    // WHEN one is acknowledged with a reason on the agent construct (an ancestor of the role)
    Validations.of(c.agent).acknowledge({
      id: 'AgentIdentity-NoWildcardResources[Action::logs:CreateLogGroup]',
      reason: 'the log group name is chosen at run time by the agent framework',
    });
    const report = check(c.app, WITH_GUARDRAIL);
    // THEN only the other finding remains
    expect(findingIds(report)).toEqual(['AgentIdentity-NoWildcardResources[Action::logs:CreateLogStream]']);
  });

  test('without the acknowledgement both findings are reported', () => {
    const report = check(twoFindings().app, WITH_GUARDRAIL);
    expect(findingIds(report)).toEqual([
      'AgentIdentity-NoWildcardResources[Action::logs:CreateLogGroup]',
      'AgentIdentity-NoWildcardResources[Action::logs:CreateLogStream]',
    ]);
  });

  test('a finding id holding an intrinsic (`<AWS::Partition>`) can be acknowledged', () => {
    // GIVEN an AWS managed policy on the agent role
    const c = cleanApp();
    c.agent.role.addManagedPolicy(
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
    );
    // WHEN its finding is acknowledged by the id the report shows
    const id =
      'AgentIdentity-VerifiablePolicies[ManagedPolicy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
    expect(findingIds(check(c.app, WITH_GUARDRAIL))).toEqual([id]);
    Validations.of(c.agent.role).acknowledge({
      id,
      reason: 'CloudWatch Logs writes for the function; reviewed in SEC-7',
    });
    // THEN it is no longer reported
    expect(findingIds(check(c.app, WITH_GUARDRAIL))).toEqual([]);
  });

  test('a finding reported on a secret is acknowledged on the secret', () => {
    // GIVEN a secret the agent reads that is encrypted with the AWS managed key
    const c = cleanApp();
    const plain = new secretsmanager.Secret(c.stack, 'Plain');
    c.agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [plain.secretArn],
        conditions: { StringEquals: { 'aws:ResourceTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}' } },
      }),
    );
    plain.addRotationSchedule('Rotation', {
      hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser(),
      automaticallyAfter: Duration.days(30),
    });
    // WHEN the missing CMK is acknowledged on the secret
    Validations.of(plain).acknowledge({
      id: 'AgentIdentity-SecretRotation[KmsKeyId::missing]',
      reason: 'migrating to the tenant CMK in ticket SEC-42',
    });
    // THEN nothing is reported
    expect(findingIds(check(c.app, WITH_GUARDRAIL))).toEqual([]);
  });

  test('with writeSuppressionsToCloudFormation, the acknowledgement and its reason are in the template', () => {
    // GIVEN an acknowledged finding and the cdk-nag v2-compatible metadata option
    const c = twoFindings();
    const reason = 'the log group name is chosen at run time by the agent framework';
    Validations.of(c.agent).acknowledge({
      id: 'AgentIdentity-NoWildcardResources[Action::logs:CreateLogGroup]',
      reason,
    });
    new AgentIdentityChecks(c.app, { ...WITH_GUARDRAIL, writeSuppressionsToCloudFormation: true });
    // WHEN
    const template = Template.fromStack(c.stack);
    // THEN the role carries the acknowledgement for auditors
    template.hasResource('AWS::IAM::Role', {
      Metadata: Match.objectLike({
        cdk_nag: {
          rules_to_suppress: Match.arrayWith([
            { id: 'AgentIdentity-NoWildcardResources[Action::logs:CreateLogGroup]', reason },
          ]),
        },
      }),
    });
  });

  test('cdk synth fails on an unacknowledged error and passes once it is acknowledged', () => {
    // GIVEN the pack registered as a validation plugin and one finding
    const failing = twoFindings();
    Validations.of(failing.app).addPlugins(new AgentIdentityChecks(failing.app, WITH_GUARDRAIL));
    // THEN synth fails
    expect(() => failing.app.synth()).toThrow(/AgentIdentity-NoWildcardResources/);

    // GIVEN the same app with both findings acknowledged
    const passing = twoFindings();
    Validations.of(passing.agent).acknowledge(
      {
        id: 'AgentIdentity-NoWildcardResources[Action::logs:CreateLogGroup]',
        reason: 'log group named at run time',
      },
      {
        id: 'AgentIdentity-NoWildcardResources[Action::logs:CreateLogStream]',
        reason: 'log stream named at run time',
      },
    );
    Validations.of(passing.app).addPlugins(new AgentIdentityChecks(passing.app, WITH_GUARDRAIL));
    // THEN synth succeeds
    expect(() => passing.app.synth()).not.toThrow();
  });
});

describe('pack properties', () => {
  test.each([
    [{ maxSessionDuration: Duration.minutes(30) }, /maxSessionDuration 30 minutes is outside 1-12 hours/],
    [{ maxSessionDuration: Duration.hours(13) }, /maxSessionDuration 13 hours is outside 1-12 hours/],
    [{ maxSecretRotationDays: 0 }, /maxSecretRotationDays 0 must be a whole number of days from 1 to 1000/],
    [{ maxSecretRotationDays: 1.5 }, /maxSecretRotationDays 1.5 must be a whole number/],
  ])('rejects %j', (props, message) => {
    const { app } = plainApp();
    expect(() => new AgentIdentityChecks(app, props)).toThrow(message);
  });

  test('the pack is named AgentIdentity and lists its rule ids', () => {
    const pack = new AgentIdentityChecks();
    expect(pack.name).toBe('AgentIdentity');
    expect(pack.ruleIds).toEqual([...AgentIdentityChecks.RULE_IDS]);
    expect(AgentIdentityChecks.RULE_IDS.every((id) => /^AgentIdentity-[A-Z][A-Za-z]+$/.test(id))).toBe(true);
  });
});

describe('catalog facts the rules rely on', () => {
  const actions = [
    ...ESCALATION_ACTIONS,
    ...BEDROCK_INVOKE_ACTIONS,
    ...DUTY_PAIRS.flatMap((p) => [...p.propose, ...p.approve]),
    'iam:PassRole',
    'sts:AssumeRole',
    'secretsmanager:GetSecretValue',
  ];
  test.each(actions)('%s exists', (action) => {
    expect(actionExists(action)).toBe(true);
  });
});

describe('RULES.md', () => {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf8');
  const rows = text
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split('|').map((cell) => cell.trim()));
  test.each(AgentIdentityChecks.describeRules().map((r) => [r.id, r.level]))(
    'documents %s (%s)',
    (id, level) => {
      // GIVEN the table row of the rule: | ID | Level | Cause | Explanation | Controls |
      const row = rows.find((cells) => cells[1] === id);
      // THEN it exists, with the level the pack uses and a non-empty cause, explanation and control
      expect(row).toBeDefined();
      expect(row![2]).toBe(level);
      expect(row!.slice(3, 6).every((cell) => cell.length > 0)).toBe(true);
    },
  );
});
