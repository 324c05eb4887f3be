/**
 * CloudWatch Logs metric filter patterns over CloudTrail records, built so that every value that
 * can be a token (role names, role ARNs) sits inside a quoted string and the length can be bounded.
 */

/** PutMetricFilter: `filterPattern` length is at most 1024. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;
/** PutMetricFilter: at most 100 metric filters per log group. */
export const MAX_METRIC_FILTERS_PER_LOG_GROUP = 100;
/** IAM: a role name is at most 64 characters. */
export const MAX_ROLE_NAME_LENGTH = 64;

/** Calls that stop, delete or narrow a trail. */
export const TRAIL_TAMPERING_EVENTS: readonly string[] = [
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
];

/** IAM calls that change a role, its policies, boundary, trust or tags. */
export const ROLE_CHANGE_EVENTS: readonly string[] = [
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'UpdateAssumeRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'UpdateRole',
  'UpdateRoleDescription',
  'TagRole',
  'UntagRole',
  'DeleteRole',
];

/** STS calls that start a session of a role. */
export const ROLE_ASSUMPTION_EVENTS: readonly string[] = [
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
];

const anyOf = (terms: readonly string[]): string => `(${terms.join(' || ')})`;
const eq = (field: string, value: string): string => `($.${field} = "${value}")`;

/** Denied calls (AccessDenied*, *UnauthorizedOperation) made by sessions of the named roles. */
export function accessDeniedPattern(roleNames: readonly string[]): string {
  const denied = anyOf([eq('errorCode', '*UnauthorizedOperation'), eq('errorCode', 'AccessDenied*')]);
  const byRole = anyOf(roleNames.map((n) => eq('userIdentity.sessionContext.sessionIssuer.userName', n)));
  return `{ ${denied} && ${byRole} }`;
}

/** Writes to the named roles (policies, boundary, trust, tags, deletion). */
export function roleChangePattern(roleNames: readonly string[]): string {
  const events = anyOf(ROLE_CHANGE_EVENTS.map((e) => eq('eventName', e)));
  const byRole = anyOf(roleNames.map((n) => eq('requestParameters.roleName', n)));
  return `{ ${eq('eventSource', 'iam.amazonaws.com')} && ${events} && ${byRole} }`;
}

/**
 * A revocation written or removed on any role of the account (`agent-identity revoke` and `--undo`,
 * the automatic containment, or by hand): the revocation policy put or deleted, or the revocation
 * tag set or removed (the CLI sends it first in both calls).
 */
export function revocationPattern(policyName: string, revokedTag: string): string {
  const policy = `${anyOf([eq('eventName', 'PutRolePolicy'), eq('eventName', 'DeleteRolePolicy')])} && ${eq('requestParameters.policyName', policyName)}`;
  const tagged = `${eq('eventName', 'TagRole')} && ${eq('requestParameters.tags[0].key', revokedTag)}`;
  const untagged = `${eq('eventName', 'UntagRole')} && ${eq('requestParameters.tagKeys[0]', revokedTag)}`;
  return `{ ${eq('eventSource', 'iam.amazonaws.com')} && ((${policy}) || (${tagged}) || (${untagged})) }`;
}

/** Stopping, deleting or reconfiguring any trail of the account. */
export function trailTamperingPattern(): string {
  const events = anyOf(TRAIL_TAMPERING_EVENTS.map((e) => eq('eventName', e)));
  return `{ ${eq('eventSource', 'cloudtrail.amazonaws.com')} && ${events} }`;
}

/** Any session started for the role with this ARN. */
export function roleUsePattern(roleArn: string): string {
  const events = anyOf(ROLE_ASSUMPTION_EVENTS.map((e) => eq('eventName', e)));
  return `{ ${eq('eventSource', 'sts.amazonaws.com')} && ${events} && ${eq('requestParameters.roleArn', roleArn)} }`;
}

/**
 * How many role names of the longest possible length fit into one pattern built by `build`.
 * Role names are tokens at synth time, so the budget assumes the IAM maximum for each.
 */
export function roleNamesPerFilter(build: (roleNames: readonly string[]) => string): number {
  const longest = 'x'.repeat(MAX_ROLE_NAME_LENGTH);
  let n = 0;
  while (build(Array(n + 1).fill(longest)).length <= MAX_FILTER_PATTERN_LENGTH) n++;
  return n;
}
