/**
 * Well-known paths from one identity's permissions to more, outside IAM's own write actions:
 * code injection into other identities' compute, remote commands, and resource policies that
 * open data to anyone. The guard rails deny them to every agent; AgentIdentityChecks reports an
 * agent role that is allowed one. One list, so the two can never disagree.
 */
export const ESCALATION_ACTIONS: readonly string[] = [
  'sts:AssumeRoot',
  'lambda:UpdateFunctionCode',
  'lambda:UpdateFunctionConfiguration',
  'lambda:AddPermission',
  'glue:CreateDevEndpoint',
  'glue:UpdateDevEndpoint',
  'ssm:SendCommand',
  'ssm:StartSession',
  'ecs:ExecuteCommand',
  'ec2-instance-connect:SendSSHPublicKey',
  'sagemaker:CreatePresignedNotebookInstanceUrl',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  'dynamodb:PutResourcePolicy',
  'dynamodb:DeleteResourcePolicy',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  'kms:PutKeyPolicy',
];
