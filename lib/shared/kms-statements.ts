import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Key policy statement: only AWS services may be given grants on the key (a grant hands key use
 * to its holder past the key policy). Evidences AWS Control Tower control CT.KMS.PR.3.
 */
export function denyGrantsExceptForAwsServices(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
    },
  });
}
