import { runSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, TemplateResolver } from './resolve';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** A role of a synthesized template, with every policy IAM would evaluate for it. */
export interface RolePolicies {
  readonly logicalId: string;
  readonly roleArn: string;
  readonly sessionArn: string;
  readonly tags: Record<string, string>;
  readonly identityPolicies: { name: string; policy: Json }[];
  readonly boundary?: Json;
  readonly trustPolicy: Json;
}

const refersTo = (value: Json, logicalId: string): boolean =>
  JSON.stringify(value ?? null).includes(`{"Ref":"${logicalId}"}`);

/** Finds the logical id of the role tagged `ai:agent = agentName`. */
export function agentRoleId(template: Json, agentName: string): string {
  const ids = Object.entries<Json>(template.Resources ?? {})
    .filter(
      ([, r]) =>
        r.Type === 'AWS::IAM::Role' &&
        (r.Properties?.Tags ?? []).some((t: Json) => t.Key === 'ai:agent' && t.Value === agentName),
    )
    .map(([id]) => id);
  if (ids.length !== 1)
    throw new Error(`expected one role tagged ai:agent=${agentName}, found ${ids.length}`);
  return ids[0];
}

/** Collects the identity policies, boundary, tags and trust of a role, resolved. */
export function rolePolicies(template: Json, roleLogicalId: string): RolePolicies {
  const r = new TemplateResolver(template);
  const role = r.resources[roleLogicalId];
  if (!role || role.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not a role`);
  const props = role.Properties ?? {};
  const identityPolicies: { name: string; policy: Json }[] = [];
  for (const p of props.Policies ?? [])
    identityPolicies.push({ name: p.PolicyName, policy: r.resolve(p.PolicyDocument) });
  for (const [id, res] of Object.entries<Json>(r.resources)) {
    if (res.Type === 'AWS::IAM::Policy' && refersTo(res.Properties?.Roles, roleLogicalId)) {
      identityPolicies.push({ name: id, policy: r.resolve(res.Properties.PolicyDocument) });
    }
    if (res.Type === 'AWS::IAM::ManagedPolicy') {
      const attached =
        refersTo(res.Properties?.Roles, roleLogicalId) ||
        (props.ManagedPolicyArns ?? []).some((a: Json) => a?.Ref === id);
      if (attached) identityPolicies.push({ name: id, policy: r.resolve(res.Properties.PolicyDocument) });
    }
  }
  for (const a of props.ManagedPolicyArns ?? []) {
    if (!a?.Ref)
      throw new Error(
        `role ${roleLogicalId} has a managed policy the simulator cannot read: ${JSON.stringify(a)}`,
      );
  }
  const boundaryRef = props.PermissionsBoundary?.Ref;
  const boundary = boundaryRef ? r.resolve(r.resources[boundaryRef].Properties.PolicyDocument) : undefined;
  const tags: Record<string, string> = {};
  for (const t of props.Tags ?? []) tags[t.Key] = r.resolve(t.Value);
  const name = r.physicalName(roleLogicalId);
  return {
    logicalId: roleLogicalId,
    roleArn: r.arn(roleLogicalId),
    sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/agent-session`,
    tags,
    identityPolicies,
    boundary,
    trustPolicy: r.resolve(props.AssumeRolePolicyDocument),
  };
}

export interface SimulateOptions {
  readonly action: string;
  readonly resource: string;
  /** Request context; principal tags, ARN and account are filled in from the role. */
  readonly context?: Record<string, string | string[]>;
  /** Session tags that override or add principal tags (delegation). */
  readonly sessionTags?: Record<string, string>;
  /** Resource policy of the target resource, already resolved. */
  readonly resourcePolicy?: Json;
  /** Account that owns the resource. */
  readonly resourceAccount?: string;
  /**
   * Whether the target S3 bucket has ABAC enabled; the simulator evaluates `aws:ResourceTag` on S3
   * buckets and objects only when it has (as S3 does).
   */
  readonly bucketAbac?: boolean;
}

/** Evaluates one request by an agent role the way IAM would. */
export async function simulate(role: RolePolicies, options: SimulateOptions): Promise<Decision> {
  const tags = { ...role.tags, ...(options.sessionTags ?? {}) };
  const context: Record<string, string | string[]> = {
    'aws:PrincipalArn': role.roleArn,
    'aws:PrincipalAccount': ACCOUNT,
    'aws:PrincipalType': 'AssumedRole',
    'aws:SecureTransport': 'true',
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
    ...(options.context ?? {}),
  };
  const result = await runSimulation(
    {
      request: {
        principal: role.sessionArn,
        action: options.action,
        resource: { resource: options.resource, accountId: options.resourceAccount ?? ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: role.identityPolicies,
      permissionBoundaryPolicies: role.boundary ? [{ name: 'boundary', policy: role.boundary }] : undefined,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: options.resourcePolicy,
      additionalSettings:
        options.bucketAbac === undefined ? undefined : { s3: { bucketAbacEnabled: options.bucketAbac } },
    },
    {},
  );
  if (result.resultType === 'error') {
    throw new Error(`simulation failed: ${JSON.stringify(result.errors, null, 2)}`);
  }
  return result.overallResult as Decision;
}

/**
 * Evaluates an sts:AssumeRole (+ TagSession) request against a role's trust policy, plus the
 * caller's own identity policies when given (a cross-account call needs both).
 */
export async function simulateTrust(
  role: RolePolicies,
  options: {
    principal: string;
    action?: string;
    context?: Record<string, string | string[]>;
    callerPolicies?: { name: string; policy: Json }[];
  },
): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: options.principal,
        action: options.action ?? 'sts:AssumeRole',
        resource: { resource: role.roleArn, accountId: ACCOUNT },
        contextVariables: options.context ?? {},
      },
      identityPolicies: options.callerPolicies ?? [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: role.trustPolicy,
    },
    {},
  );
  if (result.resultType === 'error') {
    throw new Error(`simulation failed: ${JSON.stringify(result.errors, null, 2)}`);
  }
  return result.overallResult as Decision;
}
