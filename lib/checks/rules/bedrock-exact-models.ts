import { CfnResource, Token } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';
import {
  NormalizedStatement,
  actionCovers,
  conditionsOn,
  isNarrowingOperator,
  parseArn,
  statementFinding,
} from '../private/policy';

/** The actions that run a model (Converse / ConverseStream are authorized by these two). */
export const BEDROCK_INVOKE_ACTIONS: readonly string[] = [
  'bedrock:InvokeModel',
  'bedrock:InvokeModelWithResponseStream',
];

/**
 * AgentIdentity-BedrockExactModels: an agent's Bedrock invoke statements name exact models.
 * - a model ARN has no wildcard in its resource part (`foundation-model/*`,
 *   `foundation-model/anthropic.*` are reported; a bare `*` is left to
 *   AgentIdentity-NoWildcardResources);
 * - a `foundation-model` ARN outside the stack's region (or with region `*`) — the destination
 *   models of a cross-region inference profile — carries a `bedrock:InferenceProfileArn`
 *   condition, so it is reachable only through the profile, never directly.
 * When the stack's region is unknown at synth (environment-agnostic stack), only region `*` counts
 * as outside.
 *
 * Findings: `Resource::<arn>`, `CrossRegion::<arn>`.
 */
export function bedrockExactModels(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const stackRegion = role.resource.stack.region;
  const findings = new Set<string>();
  for (const s of role.statements) {
    if (s.effect !== 'Allow' || !invokes(s)) continue;
    const viaProfile = conditionsOn(s, 'bedrock:InferenceProfileArn').some((c) =>
      isNarrowingOperator(c.operator),
    );
    for (const resource of s.resources) {
      if (resource === '*') continue;
      const arn = parseArn(resource);
      if (!arn) continue;
      if (/[*?]/.test(arn.resource)) {
        findings.add(statementFinding(s, 'Resource', resource));
      } else if (
        arn.resource.startsWith('foundation-model/') &&
        !viaProfile &&
        outside(arn.region, stackRegion)
      ) {
        findings.add(statementFinding(s, 'CrossRegion', resource));
      }
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

/** True when the statement allows one of the invoke actions (directly or by pattern). */
export function invokes(s: NormalizedStatement): boolean {
  return s.actions.some((written) => BEDROCK_INVOKE_ACTIONS.some((a) => actionCovers(written, a)));
}

function outside(region: string, stackRegion: string): boolean {
  if (/[*?]/.test(region)) return true;
  if (region === '<AWS::Region>' || region.includes('<')) return false;
  return !Token.isUnresolved(stackRegion) && region !== stackRegion;
}
