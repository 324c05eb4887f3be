import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { show } from '../../shared/errors';
import { IAgentIdentity } from '../agent-capabilities';

/**
 * Who a resource-side grant (`store.grantRead(grantee)`, `model.grantInvoke(grantee)`, ...) goes
 * to. Internal: never exported from the package.
 *
 * - `agent`: the grantee is an agent — the `AgentIdentity` itself, its `role`, its `grantPrincipal`,
 *   or a construct that runs as its role (a Lambda function created with `role: agent.role`). The
 *   grant is then made exactly as the agent-side grant makes it.
 * - `principal`: any other identity whose identity policy takes statements and that lives in the
 *   construct tree (a role, user or group, imported or not, or a construct that runs as one).
 */
export type ResolvedGrantee =
  | { readonly agent: IAgentIdentity; readonly principal?: undefined }
  | { readonly agent?: undefined; readonly principal: IConstruct & iam.IPrincipal };

/** True when `value` has the shape of an `IAgentIdentity` (structural: works across package copies). */
export function isAgentIdentity(value: unknown): value is IAgentIdentity {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<Record<keyof IAgentIdentity, unknown>>;
  return (
    typeof v.agentName === 'string' &&
    typeof v.clearance === 'string' &&
    typeof v.recordEntitlement === 'function' &&
    typeof v.addToAgentPolicy === 'function' &&
    typeof v.role === 'object' &&
    v.role !== null &&
    typeof v.grantPrincipal === 'object' &&
    v.grantPrincipal !== null &&
    Construct.isConstruct(value)
  );
}

/**
 * The agent behind `grantee`, if there is one: the agent itself, or a principal that is provably
 * the agent's (its role, or its grant principal — checked by identity, not by name or tag).
 */
export function agentBehind(grantee: iam.IGrantable): IAgentIdentity | undefined {
  if (isAgentIdentity(grantee)) return grantee;
  const candidates: unknown[] = [grantee, grantee?.grantPrincipal];
  for (const candidate of candidates) {
    if (!candidate || typeof candidate !== 'object') continue;
    // the agent's role is the child `Role` of the agent construct
    if (Construct.isConstruct(candidate)) {
      const owner = candidate.node.scope;
      if (
        isAgentIdentity(owner) &&
        (owner.role === candidate || (owner.grantPrincipal as unknown) === candidate)
      ) {
        return owner;
      }
    }
    // the agent's grant principal holds the agent's role
    const role = (candidate as { role?: unknown }).role;
    if (Construct.isConstruct(role)) {
      const owner = role.node.scope;
      if (isAgentIdentity(owner) && owner.role === role && owner.grantPrincipal === candidate) return owner;
    }
  }
  return undefined;
}

/**
 * Resolves `grantee` for a resource-side grant; `resource` names what is granted in errors
 * (`<kind> <path or id>`), `blame` is where the error points (the resource's construct, when it
 * has one).
 */
export function resolveGrantee(
  grantee: iam.IGrantable,
  resource: string,
  blame: IConstruct | undefined,
): ResolvedGrantee {
  if (!grantee || typeof grantee !== 'object' || !grantee.grantPrincipal) {
    fail(
      blame,
      `the grantee of ${resource} must be an AgentIdentity or an iam.IGrantable (a role, a Lambda function, ...), got ${show(describe(grantee))}`,
    );
  }
  const agent = agentBehind(grantee);
  if (agent) return { agent };
  const principal = grantee.grantPrincipal;
  // a grantee that is itself a construct is a better place to point at than nothing
  blame = blame ?? (Construct.isConstruct(grantee) ? grantee : undefined);
  if (!Construct.isConstruct(principal) || typeof principal.addToPrincipalPolicy !== 'function') {
    fail(
      blame,
      `the grantee of ${resource} (${show(describe(grantee))}) is not an agent, a role, a user or a group of this app, so no identity policy can carry the grant; ` +
        `this library grants through identity policies only — grant an AgentIdentity, or import the role with iam.Role.fromRoleArn(scope, id, arn) and grant that`,
    );
  }
  return { principal };
}

/** Fails unless a grant to a non-agent principal landed in its identity policy. */
export function requireGranted(grant: iam.Grant, principal: IConstruct, resource: string): iam.Grant {
  if (!grant.success) {
    fail(
      principal,
      `the identity policy of this principal took no statement for ${resource} (e.g. a role imported with mutable: false); grant a role whose policy this app manages`,
    );
  }
  return grant;
}

function fail(blame: IConstruct | undefined, message: string): never {
  throw new Error(blame ? `${blame.node.path}: ${message}` : message);
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Construct.isConstruct(value)) return value.node.path;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
