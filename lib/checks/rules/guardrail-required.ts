import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';
import { actionCovers, conditionsOn, finding } from '../private/policy';
import { BEDROCK_INVOKE_ACTIONS } from './bedrock-exact-models';

/**
 * AgentIdentity-GuardrailRequired (only when the pack's `requireGuardrail` is set): an agent
 * that may invoke models has, for each invoke action it is allowed, a Deny statement covering
 * that action with a `bedrock:GuardrailIdentifier` condition — the "deny without the pinned
 * guardrail" half of a guardrail pin. An allow that merely mentions the guardrail is not
 * enough: a caller could omit it.
 *
 * Findings: `Action::<invoke action>`.
 */
export function guardrailRequired(node: CfnResource, context: CheckContext): NagRuleResult {
  if (!context.requireGuardrail) return NagRuleCompliance.NOT_APPLICABLE;
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const allowed = BEDROCK_INVOKE_ACTIONS.filter((action) =>
    role.statements.some((s) => s.effect === 'Allow' && s.actions.some((w) => actionCovers(w, action))),
  );
  const pinned = (action: string) =>
    role.statements.some(
      (s) =>
        s.effect === 'Deny' &&
        s.actions.some((w) => actionCovers(w, action)) &&
        conditionsOn(s, 'bedrock:GuardrailIdentifier').length > 0,
    );
  const findings = allowed.filter((a) => !pinned(a)).map((a) => finding('Action', a));
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}
