import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { actionExists, matchingActions } from '../../lib/shared/iam-catalog';
import { ACCOUNT, PARTITION, REGION, TemplateResolver } from '../../test/helpers/resolve';
import {
  Decision,
  RolePolicies,
  agentRoleId,
  rolePolicies,
  simulate,
  simulateTrust,
} from '../../test/helpers/simulate';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export { ACCOUNT, REGION };
export type { Decision, RolePolicies };

/**
 * The stack's template as JSON. `attributes` gives concrete values for `Fn::GetAtt` of resource
 * types test/helpers/resolve.ts does not know (e.g. `{ Profile: { InferenceProfileArn: '...' } }`).
 */
export function templateOf(stack: Stack, attributes: Record<string, Record<string, string>> = {}): Json {
  const substitute = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(substitute);
    if (value === null || typeof value !== 'object') return value;
    const getAtt = value['Fn::GetAtt'];
    if (Object.keys(value).length === 1 && Array.isArray(getAtt)) {
      const known = attributes[getAtt[0]]?.[getAtt[1]];
      if (known !== undefined) return known;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
  };
  return substitute(Template.fromStack(stack).toJSON());
}

/** The role tagged `ai:agent = agentName`, with every policy IAM evaluates for it, resolved. */
export function agentRole(template: Json, agentName: string): RolePolicies {
  return rolePolicies(template, agentRoleId(template, agentName));
}

/** One request, as the simulator should see it. */
export interface AgentRequest {
  readonly action: string;
  readonly resource: string;
  /** Request context: resource tags, `s3:prefix`, `dynamodb:LeadingKeys`, ... */
  readonly context?: Record<string, string | string[]>;
  /** Session tags the caller passed when it assumed the role (they become principal tags). */
  readonly sessionTags?: Record<string, string>;
  /** Resource policy of the target (e.g. a secret's), already resolved. */
  readonly resourcePolicy?: Json;
  /**
   * Whether the S3 bucket has ABAC enabled: the simulator evaluates `aws:ResourceTag` on S3
   * buckets and objects only then (as S3 does). DataTags turns it on for buckets it tags.
   * @default true
   */
  readonly bucketAbac?: boolean;
}

/**
 * Evaluates one request by a role session the way IAM would: identity policies, permissions
 * boundary, optional resource policy, principal and session tags, and S3 bucket ABAC (on unless
 * the request says otherwise). A thin default over test/helpers/simulate.ts `simulate`.
 */
export async function simulateAs(role: RolePolicies, request: AgentRequest): Promise<Decision> {
  return simulate(role, { ...request, bucketAbac: request.bucketAbac ?? true });
}

/** An ARN in the test partition (no literal partition prefix in example code). */
export function arn(service: string, region: string, account: string, resource: string): string {
  return ['arn', PARTITION, service, region, account, resource].join(':');
}

/**
 * Every action of the role's own policies (Allow and Deny), i.e. without the shared permissions guardrails
 * of the stack's AgentBoundary, which lib/identity tests.
 */
export function actionsOf(role: RolePolicies): string[] {
  const statements: Json[] = role.identityPolicies
    .filter((p) => !p.name.startsWith('AgentBoundary'))
    .flatMap((p) => [].concat(p.policy.Statement));
  return [...new Set(statements.flatMap((s) => [].concat(s.Action ?? [])))].sort() as string[];
}

/** True when an exact action exists, or a pattern matches at least one action. */
export function actionIsKnown(action: string): boolean {
  return /[*?]/.test(action) ? matchingActions(action).length > 0 : actionExists(action);
}

/** Logical id of the L1 resource of the construct at `path` under `stack` (e.g. `MailStore`). */
export function logicalIdOf(stack: Stack, path: string): string {
  const construct = stack.node.findAll().find((c) => c.node.path === `${stack.node.path}/${path}`);
  const resource = (construct?.node.defaultChild ?? construct) as CfnResource | undefined;
  if (!resource || !CfnResource.isCfnResource(resource)) throw new Error(`no resource at ${path}`);
  return stack.getLogicalId(resource);
}

/** The ARN CloudFormation would give a resource of the template (see test/helpers/resolve.ts). */
export function arnOf(template: Json, logicalId: string): string {
  return new TemplateResolver(template).arn(logicalId);
}

/** Resolves intrinsics in a template value (e.g. a resource policy) to concrete strings. */
export function resolved(template: Json, value: Json): Json {
  return new TemplateResolver(template).resolve(value);
}

/**
 * Evaluates an sts:AssumeRole of `role` by a principal of another account: the role's trust
 * policy, and in the caller's account an identity policy allowing the call (which a cross-account
 * request also needs; test/helpers/simulate.ts `simulateTrust` evaluates the trust policy alone).
 */
export async function simulateCrossAccountAssume(
  role: RolePolicies,
  caller: { principal: string; context?: Record<string, string | string[]> },
): Promise<Decision> {
  const callerPolicy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: role.roleArn }],
  };
  return simulateTrust(role, { ...caller, callerPolicies: [{ name: 'caller', policy: callerPolicy }] });
}
