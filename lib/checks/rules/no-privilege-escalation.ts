import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ESCALATION_ACTIONS, isEscalationAction } from '../../shared/escalation-actions';
import { serviceActions } from '../../shared/iam-catalog';
import { AgentTagKeys } from '../../shared/tag-keys';
import { AgentRole } from '../private/app-index';
import { CheckContext } from '../private/context';
import {
  Json,
  NormalizedStatement,
  asArray,
  conditionsOn,
  expandAction,
  flatten,
  isNarrowingOperator,
  isPattern,
  statementFinding,
} from '../private/policy';

export { ESCALATION_ACTIONS };

/** IAM access levels that only read. */
const IAM_READ_LEVELS = new Set(['Read', 'List']);

/**
 * AgentIdentity-NoPrivilegeEscalation: an agent role is not allowed any action that lets it
 * widen its own (or another identity's) permissions:
 * - `iam:PassRole` without an `iam:PassedToService` condition;
 * - any other IAM action whose access level is not Read/List (the IAM write family: policies,
 *   roles, users, keys, tags, boundaries);
 * - `sts:AssumeRole` on anything but agent roles of the same tenant (a wildcard, `*` or `?`, a
 *   literal ARN or a role that is not an agent);
 * - the actions of `ESCALATION_ACTIONS` (derived from the IAM catalog, see escalation-actions.ts).
 * Patterns (`*` and `?`) are expanded against the IAM catalog, so `iam:*` or `lambda:Update?lias`
 * are caught too.
 *
 * Findings: `Action::<action or pattern as written>`.
 */
export function noPrivilegeEscalation(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  for (const s of role.statements) {
    if (s.effect !== 'Allow') continue;
    for (const written of s.actions) {
      if (expandAction(written).some((action) => escalates(action, s, role, context)))
        findings.add(statementFinding(s, 'Action', written));
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

function escalates(action: string, s: NormalizedStatement, role: AgentRole, context: CheckContext): boolean {
  if (action === '*') return true;
  const lower = action.toLowerCase();
  if (lower === 'iam:passrole') {
    return !conditionsOn(s, 'iam:PassedToService').some((c) => isNarrowingOperator(c.operator));
  }
  if (lower.startsWith('iam:')) {
    const info = serviceActions('iam')?.get(lower.slice(4));
    return info === undefined || !IAM_READ_LEVELS.has(info.accessLevel);
  }
  if (lower === 'sts:assumerole') return !s.rawResources.every((r) => isSameTenantAgent(r, role, context));
  return isEscalationAction(lower);
}

/** True when a resource of a statement resolves to agent roles of the same tenant as `role`. */
function isSameTenantAgent(resource: Json, role: AgentRole, context: CheckContext): boolean {
  if (isPattern(flatten(resource))) return false;
  const tenant = role.tags.get(AgentTagKeys.TENANT);
  const candidates = targetRoles(resource, role, context);
  return (
    candidates.length > 0 &&
    candidates.every((c) => c !== undefined && c.tags.get(AgentTagKeys.TENANT) === tenant)
  );
}

/**
 * The roles a resource names: the referenced role in the agent's stack, else (a policy of another
 * stack) every role of the app with that logical id. `undefined` marks a role that is not an agent.
 */
function targetRoles(resource: Json, role: AgentRole, context: CheckContext): (AgentRole | undefined)[] {
  const own = context.index.target(resource, role.resource.stack);
  if (own) return own.type === 'AWS::IAM::Role' ? [context.index.agentRole(own.node)] : [undefined];
  const id =
    resource && typeof resource === 'object'
      ? typeof resource.Ref === 'string'
        ? resource.Ref
        : asArray<Json>(resource['Fn::GetAtt'])[0]
      : undefined;
  if (typeof id !== 'string') return [];
  return context.index
    .resources('AWS::IAM::Role')
    .filter((r) => r.logicalId === id)
    .map((r) => context.index.agentRole(r.node));
}
