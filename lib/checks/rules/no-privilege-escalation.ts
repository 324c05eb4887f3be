import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ESCALATION_ACTIONS } from '../../shared/escalation-actions';
import { serviceActions } from '../../shared/iam-catalog';
import { CheckContext } from '../private/context';
import {
  NormalizedStatement,
  conditionsOn,
  expandAction,
  isNarrowingOperator,
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
 * - `sts:AssumeRole` on a resource with a wildcard;
 * - the actions of `ESCALATION_ACTIONS`.
 * Patterns are expanded against the IAM catalog, so `iam:*` or `lambda:Update*` are caught too.
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
      if (expandAction(written).some((action) => escalates(action, s)))
        findings.add(statementFinding(s, 'Action', written));
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

function escalates(action: string, s: NormalizedStatement): boolean {
  if (action === '*') return true;
  const lower = action.toLowerCase();
  if (lower === 'iam:passrole') {
    return !conditionsOn(s, 'iam:PassedToService').some((c) => isNarrowingOperator(c.operator));
  }
  if (lower.startsWith('iam:')) {
    const info = serviceActions('iam')?.get(lower.slice(4));
    return info === undefined || !IAM_READ_LEVELS.has(info.accessLevel);
  }
  if (lower === 'sts:assumerole') return s.resources.some((r) => r.includes('*'));
  return ESCALATION_ACTIONS.some((e) => e.toLowerCase() === lower);
}
