/** What agents must never do to a bucket that holds audit logs (explicit deny in its bucket policy). */
export const AUDIT_BUCKET_PROTECTED_ACTIONS: readonly string[] = [
  's3:DeleteObject*',
  's3:PutObject',
  's3:PutObjectAcl',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:BypassGovernanceRetention',
  's3:DeleteBucket',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutLifecycleConfiguration',
  's3:PutBucketVersioning',
  's3:PutBucketObjectLockConfiguration',
  's3:PutEncryptionConfiguration',
  's3:PutBucketLogging',
  's3:PutBucketAcl',
  's3:PutBucketOwnershipControls',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketNotification',
  's3:PutReplicationConfiguration',
];

/** What agents must never do to the alarm topic (explicit deny in its topic policy). */
export const ALARM_TOPIC_PROTECTED_ACTIONS: readonly string[] = [
  'sns:DeleteTopic',
  'sns:SetTopicAttributes',
  'sns:AddPermission',
  'sns:RemovePermission',
  'sns:PutDataProtectionPolicy',
];
