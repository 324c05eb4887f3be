import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';
import { patternCovers } from '../private/pattern-cover';
import {
  NormalizedStatement,
  actionCovers,
  conditionsOn,
  finding,
  isNarrowingOperator,
} from '../private/policy';
import { BEDROCK_INVOKE_ACTIONS, invokes } from './bedrock-exact-models';

const GUARDRAIL_KEY = 'bedrock:GuardrailIdentifier';
const PROFILE_KEY = 'bedrock:InferenceProfileArn';
/** Operators under which a Deny applies whenever the request's guardrail is not the pinned one (or absent). */
const PIN_OPERATOR =
  /^(StringNotEquals|StringNotEqualsIgnoreCase|StringNotLike|ArnNotEquals|ArnNotLike)(IfExists)?$/;

/**
 * AgentIdentity-GuardrailRequired: guardrail pinning is judged per model. Every model an agent may
 * invoke (each resource of an Allow of `bedrock:InvokeModel` / `InvokeModelWithResponseStream`) is
 * covered, for that action, by a **pin**: a Deny whose resources cover the model and whose only
 * condition is `bedrock:GuardrailIdentifier` under a negated operator (`StringNotEquals`, ...)
 * with literal values — the "deny without the pinned guardrail" half of a `GuardrailPin`. A
 * statement reachable only through inference profiles (`bedrock:InferenceProfileArn`) is covered
 * when every profile it names is.
 *
 * Applies to every agent with `requireGuardrail`, and otherwise to every agent that carries at
 * least one pin: mixing pinned and unpinned models on one agent is an error unless acknowledged.
 *
 * Findings: `Model::<resource as written>`.
 */
export function guardrailRequired(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const pins = role.statements.filter(isPin);
  if (!context.requireGuardrail && pins.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const pinned = (action: string, resource: string) =>
    pins.some(
      (p) =>
        p.actions.some((w) => actionCovers(w, action)) && p.resources.some((r) => patternCovers(r, resource)),
    );
  const findings = new Set<string>();
  for (const s of role.statements) {
    if (s.effect !== 'Allow' || !invokes(s)) continue;
    const actions = BEDROCK_INVOKE_ACTIONS.filter((a) => s.actions.some((w) => actionCovers(w, a)));
    const profiles = conditionsOn(s, PROFILE_KEY).filter((c) => isNarrowingOperator(c.operator));
    for (const action of actions) {
      const throughPinnedProfiles =
        profiles.length > 0 &&
        profiles.every((c) => c.values.length > 0 && c.values.every((v) => pinned(action, v)));
      if (throughPinnedProfiles) continue;
      for (const resource of s.resources) {
        if (!pinned(action, resource)) findings.add(finding('Model', resource));
      }
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

/** A Deny on model invocation that holds whenever the request lacks the pinned guardrail. */
function isPin(s: NormalizedStatement): boolean {
  if (s.effect !== 'Deny' || !invokes(s) || s.conditions.length === 0) return false;
  return s.conditions.every(
    (c) =>
      c.key.toLowerCase() === GUARDRAIL_KEY.toLowerCase() &&
      PIN_OPERATOR.test(c.operator) &&
      c.values.length > 0 &&
      c.values.every((v) => v.length > 0 && !/[*?]/.test(v)),
  );
}
