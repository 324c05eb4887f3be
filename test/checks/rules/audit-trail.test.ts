import { Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ENV, agentApp, auditTrailInto, check, findingsFor } from '../fixtures';

const RULE = 'AuditTrail';

describe('AgentIdentity-AuditTrail', () => {
  test('a qualifying trail in another stack of the app covers the agent', () => {
    // GIVEN an agent and, in an audit stack, a trail whose bucket and key are in that stack
    const { app } = agentApp();
    auditTrailInto(new Stack(app, 'Audit', { env: ENV }));
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('a trail whose object-locked bucket lives in a third stack is followed through the export', () => {
    const { app } = agentApp();
    const storage = new Stack(app, 'Storage', { env: ENV });
    const bucket = new s3.Bucket(storage, 'Locked', { objectLockEnabled: true });
    const audit = new Stack(app, 'Audit', { env: ENV });
    new cloudtrail.CfnTrail(audit, 'Trail', {
      isLogging: true,
      enableLogFileValidation: true,
      kmsKeyId: new kms.Key(audit, 'K').keyArn,
      s3BucketName: bucket.bucketName,
    });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('no trail at all is a finding', () => {
    const { app } = agentApp();
    expect(findingsFor(check(app), RULE)).toEqual(['NoTrail']);
  });

  test('a single-region trail of another region does not cover the agent', () => {
    const { app } = agentApp();
    auditTrailInto(new Stack(app, 'Audit', { env: { account: ENV.account, region: 'eu-west-1' } }), {
      isMultiRegionTrail: false,
    });
    expect(findingsFor(check(app), RULE)).toEqual(['NoTrail']);
  });

  test('a covering trail without validation, KMS, object lock or management events has one finding per gap', () => {
    // GIVEN a trail that logs, but nothing else
    const { app, stack } = agentApp();
    new cloudtrail.CfnTrail(stack, 'Weak', {
      isLogging: true,
      s3BucketName: new s3.Bucket(stack, 'Plain').bucketName,
      eventSelectors: [{ includeManagementEvents: false, readWriteType: 'All' }],
    });
    // WHEN
    const findings = findingsFor(check(app), RULE);
    // THEN
    expect(findings).toEqual([
      'Agents.Weak::EnableLogFileValidation',
      'Agents.Weak::KMSKeyId',
      'Agents.Weak::ManagementEvents',
      'Agents.Weak::ObjectLock',
    ]);
  });

  test('one qualifying trail is enough even when another covering trail is weak', () => {
    const { app, stack } = agentApp();
    auditTrailInto(stack);
    auditTrailInto(new Stack(app, 'Other', { env: ENV }), { isLogging: false });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });
});
