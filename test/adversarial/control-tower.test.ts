import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  AgentAuditTrail,
  AgentIdentity,
  AgentRuntime,
  AgentSecret,
  ModelInvocationLogging,
  SecretRotation,
} from '../../lib';
import { controlTowerFindings } from '../../examples/_shared/control-tower';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** Every library construct that creates resources Control Tower judges (besides the boundary). */
function libraryResources(stack: Stack): void {
  new AgentAuditTrail(stack, 'Audit', { retention: Duration.days(400) });
  new ModelInvocationLogging(stack, 'InvocationLogging', { cloudWatchDelivery: true });
}

describe('AWS Control Tower proactive controls (cfn-guard) on library resources', () => {
  test('a user who registers CfnGuardValidator gets a clean synth of the audit trail and invocation logging', () => {
    // GIVEN an app with the validator registered, holding only library resources
    const app = new App();
    const stack = new Stack(app, 'Library', { env: ENV });
    libraryResources(stack);
    Validations.of(app).addPlugins(new CfnGuardValidator());
    // WHEN synthesized THEN the validation passes: each remaining finding is acknowledged in code
    const assembly = app.synth();
    const report = JSON.parse(
      fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'),
    );
    const cfnGuard = report.pluginReports.find(
      (r: { pluginName: string }) => r.pluginName === 'cdk-validator-cfnguard',
    );
    expect(cfnGuard.conclusion).toBe('success');
    expect(cfnGuard.violations).toEqual([]);
    expect(cfnGuard.suppressedViolations.map((v: { ruleName: string }) => v.ruleName)).toEqual(
      expect.arrayContaining(['lambda_inside_vpc_check', 's3_bucket_default_encryption_kms_check']),
    );
    const text = JSON.stringify(report);
    // every suppressed violation carries the library's reason
    expect(text).toContain('S3 server access logging delivers only to target buckets encrypted with SSE-S3');
  });

  test('without the acknowledgements the same resources fail Control Tower (they are real findings)', () => {
    const app = new App();
    const stack = new Stack(app, 'Library', { env: ENV });
    libraryResources(stack);
    const raw = new CfnGuardValidator().validate({
      templatePaths: [app.synth().getStackByName('Library').templateFullPath],
    } as never);
    expect(raw.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['lambda_inside_vpc_check', 's3_bucket_default_encryption_kms_check']),
    );
  });

  test('an agent with a rotated secret: nothing is left unacknowledged on library resources', () => {
    const app = new App();
    const stack = new Stack(app, 'Agents', { env: ENV });
    libraryResources(stack);
    const agent = new AgentIdentity(stack, 'Agent', {
      agentName: 'agent',
      runtime: AgentRuntime.lambdaFunction(),
      owner: 'team@example.com',
    });
    new AgentSecret(stack, 'Key', { readers: [agent], rotation: SecretRotation.generatedApiKey() });
    const left = controlTowerFindings(app, stack).filter((f) => f.library);
    expect(left).toEqual([]);
  });

  test('given a VPC, the rotation function and the invocation-logging provider run in it (no acknowledgement needed)', () => {
    const app = new App();
    const stack = new Stack(app, 'InVpc', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    new ModelInvocationLogging(stack, 'InvocationLogging', { vpc });
    const agent = new AgentIdentity(stack, 'Agent', {
      agentName: 'agent',
      runtime: AgentRuntime.lambdaFunction(),
      owner: 'team@example.com',
    });
    new AgentSecret(stack, 'Key', { readers: [agent], rotation: SecretRotation.generatedApiKey({ vpc }) });
    const template = app.synth().getStackByName('InVpc').template;
    const functions = Object.values<{ Type: string; Properties: { VpcConfig?: unknown } }>(
      template.Resources,
    ).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(2);
    expect(functions.every((f) => f.Properties.VpcConfig !== undefined)).toBe(true);
    const raw = new CfnGuardValidator().validate({
      templatePaths: [app.synth().getStackByName('InVpc').templateFullPath],
    } as never);
    expect(raw.violations.map((v) => v.ruleName)).not.toContain('lambda_inside_vpc_check');
  });
});
