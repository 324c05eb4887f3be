import { Duration, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { denyGrantsExceptForAwsServices } from '../../lib/shared/kms-statements';

/**
 * Control Tower (cfn-guard) findings a demo data bucket keeps, with the reason; cfn-guard has no
 * acknowledgement mechanism, so the examples' tests allow exactly these on demo buckets.
 */
export const DEMO_BUCKET_CONTROL_TOWER: Readonly<Record<string, string>> = {
  s3_bucket_logging_enabled_check:
    'demo data bucket: agent reads are recorded as CloudTrail S3 data events by the AgentAuditTrail; a production bucket also sends server access logs to the organization log archive',
  s3_event_notifications_enabled_check:
    'demo data bucket: nothing reacts to object events (S3 event notifications need a handler function in CloudFormation); the AgentAuditTrail records the data events',
  s3_bucket_object_lock_enabled_check:
    'demo data bucket: its objects are working data that agents may overwrite, not records that must be immutable',
};

const ACCESS_LOGS = DEMO_BUCKET_CONTROL_TOWER.s3_bucket_logging_enabled_check;

/**
 * A demo data bucket for an example: its own rotating KMS key (grants only for AWS services),
 * versioned, TLS only, no public access, old versions expired.
 * The cdk-nag findings it keeps (server access logs, replication) are acknowledged with reasons.
 */
export function demoDataBucket(scope: Construct, id: string, description: string): s3.Bucket {
  const key = new kms.Key(scope, `${id}Key`, {
    description: `Encrypts ${description}`,
    enableKeyRotation: true,
  });
  key.addToResourcePolicy(denyGrantsExceptForAwsServices());
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    lifecycleRules: [
      {
        noncurrentVersionExpiration: Duration.days(90),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    ],
  });
  Validations.of(bucket).acknowledge(
    { id: 'AwsSolutions-S1', reason: ACCESS_LOGS },
    { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: ACCESS_LOGS },
    {
      id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
      reason: 'demo data bucket: the replica bucket, region and key are the deploying organization’s choice',
    },
  );
  return bucket;
}
