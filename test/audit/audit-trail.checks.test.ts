import * as fs from 'fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { AgentIdentity, AgentRuntime } from '../../lib';
import { AgentAuditTrail } from '../../lib/audit';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function trailWithAgent(): { app: App; stack: Stack; trail: AgentAuditTrail } {
  const { app, stack } = newStack();
  const trail = new AgentAuditTrail(stack, 'Audit');
  const agent = new AgentIdentity(stack, 'Agent', {
    agentName: 'triage',
    runtime: AgentRuntime.lambdaFunction(),
    auditTrail: trail,
  });
  agent.recordEntitlement({
    kind: 'data',
    description: 'READ inbox',
    auditedResources: [{ resourceType: 'AWS::S3::Object', arn: 'arn:aws:s3:::inbox/' }],
  });
  trail.alarmOnRoleUse(agent.role, 'watched');
  return { app, stack, trail };
}

/** Every acknowledgement recorded under a scope: rule id -> reason. */
function acknowledgements(trail: AgentAuditTrail): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of trail.node.findAll()) {
    for (const m of c.node.metadata)
      if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) Object.assign(out, m.data);
  }
  return out;
}

describe('cdk-nag packs pass for the resources AgentAuditTrail creates', () => {
  test.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['NIST 800-53 R5', () => new NIST80053R5Checks()],
  ])('%s reports no unacknowledged finding', (_name, pack) => {
    // GIVEN a trail recording an agent and watching a role
    const { trail } = trailWithAgent();
    // WHEN the pack validates the trail's construct tree
    const report = pack().validateScope(trail);
    // THEN nothing is left
    expect(
      report.violations.map(
        (v) => `${v.ruleName} @ ${v.violatingResources.map((x) => x.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('without the acknowledgements the packs do find the acknowledged rules (so acknowledgements are needed and precise)', () => {
    const { trail } = trailWithAgent();
    for (const c of trail.node.findAll()) {
      (c.node as unknown as { _metadata: Json[] })._metadata = c.node.metadata.filter(
        (m) => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY,
      );
    }
    const found = [new AwsSolutionsChecks(), new NIST80053R5Checks()].flatMap((p) =>
      p.validateScope(trail).violations.map((v) => v.ruleName),
    );
    expect(found).toHaveLength(3);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::.*:log-stream:111111111111_CloudTrail_\*\]$/),
        'NIST.800.53.R5-S3BucketReplicationEnabled',
        'NIST.800.53.R5-S3DefaultEncryptionKMS',
      ]),
    );
  });

  test('every acknowledgement carries a real reason', () => {
    const acks = acknowledgements(trailWithAgent().trail);
    // three cdk-nag acknowledgements and three AWS Control Tower ones (the server-access-log bucket)
    expect(Object.keys(acks).length).toBe(6);
    expect(
      Object.keys(acks)
        .filter((id) => id.startsWith('cdk-validator-cfnguard::'))
        .sort(),
    ).toEqual([
      'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check',
      'cdk-validator-cfnguard::s3_bucket_logging_enabled_check',
      'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
    ]);
    for (const [id, reason] of Object.entries(acks)) {
      expect({ id, long: reason.length >= 60 }).toEqual({ id, long: true });
    }
  });
});

describe('AWS Control Tower proactive controls (cfn-guard, offline)', () => {
  // GIVEN the synthesized template of a trail recording an agent
  const { app, stack, trail } = trailWithAgent();
  const assembly = app.synth();
  const templatePath = assembly.getStackByName(stack.stackName).templateFullPath;
  const template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
  const report = new CfnGuardValidator().validate({ templatePaths: [templatePath] } as never);
  const auditIds = new Set(
    trail.node
      .findAll()
      .filter((c) => (c as Json).cfnResourceType)
      .map((c) => stack.getLogicalId(c as never)),
  );
  const accessLogBucketId = stack.getLogicalId(trail.accessLogBucket.node.defaultChild as never);
  const violations = report.violations.flatMap((v) =>
    v.violatingResources
      .filter((r) => auditIds.has(r.resourceLogicalId!))
      .map((r) => `${v.ruleName} @ ${r.resourceLogicalId}`),
  );

  test('the audit resources were evaluated by the CloudTrail, KMS, S3 and CloudWatch rules', () => {
    const types = new Set(Object.values<Json>(template.Resources).map((r) => r.Type));
    for (const t of [
      'AWS::CloudTrail::Trail',
      'AWS::KMS::Key',
      'AWS::S3::Bucket',
      'AWS::Logs::LogGroup',
      'AWS::CloudWatch::Alarm',
    ]) {
      expect(types.has(t)).toBe(true);
    }
    expect(new CfnGuardValidator().ruleIds).toEqual(
      expect.arrayContaining([
        'cloudtrailpr1',
        'cloudtrailpr2',
        'cloudtrailpr3',
        'kmspr1',
        'kmspr3',
        's3pr1',
        's3pr2',
        's3pr9',
        's3pr10',
        'cloudwatchpr2',
      ]),
    );
  });

  test('the only findings are the three the access-log bucket cannot meet, each with a documented reason', () => {
    // THEN: an Object-Locked bucket cannot receive server access logs, so the access-log bucket
    // has no Object Lock (CT.S3.PR.9); it does not log its own access (CT.S3.PR.2, logging to itself
    // would loop); and it uses SSE-S3, the encryption documented for access-log destinations (CT.S3.PR.10)
    expect(violations.sort()).toEqual(
      [
        `s3_bucket_default_encryption_kms_check @ ${accessLogBucketId}`,
        `s3_bucket_logging_enabled_check @ ${accessLogBucketId}`,
        `s3_bucket_object_lock_enabled_check @ ${accessLogBucketId}`,
      ].sort(),
    );
  });
});
