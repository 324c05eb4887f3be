import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib';
import { ACCOUNT } from '../helpers/resolve';
import { Decision, RolePolicies, agentRoleId, rolePolicies } from '../helpers/simulate';

/** The agent role of a synthesized stack, ready for simulation. */
export function agentRole(stack: Stack, agentName: string): RolePolicies {
  const template = Template.fromStack(stack).toJSON();
  return rolePolicies(template, agentRoleId(template, agentName));
}

export interface DataRequest {
  readonly action: string;
  readonly resource: string;
  /** Request context (resource tags, object tags, leading keys, ...). */
  readonly context?: Record<string, string | string[]>;
  /**
   * Whether the S3 bucket has ABAC enabled (iam-simulate only evaluates aws:ResourceTag on
   * S3 buckets and objects when it is).
   */
  readonly bucketAbac?: boolean;
}

/**
 * Like test/helpers/simulate.ts `simulate`, plus the S3 bucket-ABAC setting the simulator needs
 * to see bucket tags (`additionalSettings.s3.bucketAbacEnabled`).
 */
export async function simulateData(role: RolePolicies, request: DataRequest): Promise<Decision> {
  const context: Record<string, string | string[]> = {
    'aws:PrincipalArn': role.roleArn,
    'aws:PrincipalAccount': ACCOUNT,
    'aws:PrincipalType': 'AssumedRole',
    'aws:SecureTransport': 'true',
    ...Object.fromEntries(Object.entries(role.tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
    ...(request.context ?? {}),
  };
  const result = await runSimulation(
    {
      request: {
        principal: role.sessionArn,
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: role.identityPolicies,
      permissionBoundaryPolicies: role.boundary ? [{ name: 'boundary', policy: role.boundary }] : undefined,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      additionalSettings: { s3: { bucketAbacEnabled: request.bucketAbac ?? true } },
    },
    {},
  );
  if (result.resultType === 'error')
    throw new Error(`simulation failed: ${JSON.stringify(result.errors, null, 2)}`);
  return result.overallResult as Decision;
}

/** Resource tags of a store as simulation context. */
export function storeTags(tenant: string | undefined, classification: string): Record<string, string> {
  return {
    ...(tenant === undefined ? {} : { 'aws:ResourceTag/ai:tenant': tenant }),
    'aws:ResourceTag/ai:classification': classification,
  };
}
