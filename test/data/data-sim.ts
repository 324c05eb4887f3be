import { Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib';
import { Decision, RolePolicies, agentRoleId, rolePolicies, simulate } from '../helpers/simulate';

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

/** `simulate` with S3 bucket ABAC on unless the request says otherwise (every bucket DataTags tags has it). */
export async function simulateData(role: RolePolicies, request: DataRequest): Promise<Decision> {
  return simulate(role, { ...request, bucketAbac: request.bucketAbac ?? true });
}

/** Resource tags of a store as simulation context. */
export function storeTags(tenant: string | undefined, classification: string): Record<string, string> {
  return {
    ...(tenant === undefined ? {} : { 'aws:ResourceTag/ai:tenant': tenant }),
    'aws:ResourceTag/ai:classification': classification,
  };
}
