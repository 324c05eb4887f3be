import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { DataClassification } from '../../identity/data-classification';
import { classificationRank } from '../../identity/private/classification-ladder';
import { AgentTagKeys } from '../../shared/tag-keys';
import { AgentRole, AppIndex } from '../private/app-index';
import { CheckContext } from '../private/context';
import { Json, asArray, finding, flatten } from '../private/policy';

/**
 * AgentIdentity-DelegationFence: an agent role that another agent role may assume (a delegated
 * worker) serves the same tenant as that orchestrator (a missing `ai:tenant` is the platform, a
 * tenant of its own) and holds at most its clearance, so handing work to a worker never widens
 * what the orchestrator reaches. Orchestrators are found in the trust policy: an AWS principal
 * that is a role of the app tagged `ai:agent`, by reference, cross-stack import or literal ARN.
 * An orchestrator without a known `ai:clearance` counts as the lowest clearance.
 * `AgentRuntime.delegatedFrom(..., { crossTenantReason, raisedClearanceReason })` acknowledges the
 * findings with the user's reason.
 *
 * Findings: `CrossTenant::<orchestrator ai:agent>`, `RaisedClearance::<orchestrator ai:agent>`.
 */
export function delegationFence(node: CfnResource, context: CheckContext): NagRuleResult {
  const worker = context.index.agentRole(node);
  if (!worker) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  for (const s of worker.trust) {
    if (s.effect !== 'Allow' || !s.principal || typeof s.principal !== 'object') continue;
    for (const principal of asArray<Json>(s.principal.AWS)) {
      const orchestrator = agentRoleOf(principal, worker, context.index);
      if (!orchestrator || orchestrator === worker) continue;
      const name = orchestrator.tags.get(AgentTagKeys.AGENT) ?? orchestrator.resource.logicalId;
      if (worker.tags.get(AgentTagKeys.TENANT) !== orchestrator.tags.get(AgentTagKeys.TENANT)) {
        findings.add(finding('CrossTenant', name));
      }
      if (
        rank(worker.tags.get(AgentTagKeys.CLEARANCE)) > rank(orchestrator.tags.get(AgentTagKeys.CLEARANCE))
      ) {
        findings.add(finding('RaisedClearance', name));
      }
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

/** The agent role an AWS principal of a trust policy names, if it is one of the app. */
function agentRoleOf(principal: Json, worker: AgentRole, index: AppIndex): AgentRole | undefined {
  const target = index.target(principal, worker.resource.stack);
  if (target) return target.type === 'AWS::IAM::Role' ? index.agentRole(target.node) : undefined;
  const arn = flatten(principal);
  const m = /^arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (!m) return undefined;
  return index
    .allAgentRoles()
    .find(
      (r) => typeof r.resource.properties.RoleName === 'string' && r.resource.properties.RoleName === m[1],
    );
}

/** A clearance's rank; unknown (absent, a token, not on the ladder) ranks lowest. */
function rank(clearance: string | undefined): number {
  try {
    return clearance === undefined ? -1 : classificationRank(clearance as DataClassification);
  } catch {
    return -1;
  }
}
