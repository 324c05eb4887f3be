import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { AgentRole } from '../private/app-index';
import { CheckContext } from '../private/context';
import { ConditionEntry, NormalizedStatement, finding } from '../private/policy';

/** Global keys present in every request an agent role makes. */
const ALWAYS_PRESENT = new Set(
  [
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:PrincipalType',
    'aws:userid',
    'aws:CurrentTime',
    'aws:EpochTime',
    'aws:SecureTransport',
    'aws:RequestedRegion',
  ].map((k) => k.toLowerCase()),
);

/** Keys whose absence must never pass: the tenant and classification keys ABAC rests on. */
const ABAC_KEY = /(^dynamodb:leadingkeys$|\/ai:[a-z]+$)/i;

/**
 * AgentIdentity-NoAlwaysTrueConditions: a condition of an agent role's Allow statement narrows
 * something. Reported:
 * - a `...Like` operator whose values include a bare `*` (matches any value);
 * - `Null: false` on a key every request of the role carries (`aws:PrincipalArn`, ...,
 *   `aws:PrincipalTag/<a tag the role has>`);
 * - a comparison of a key with itself (`aws:ResourceTag/ai:tenant` = `${aws:ResourceTag/ai:tenant}`),
 *   or of a principal tag with the same principal tag;
 * - an `...IfExists` operator on a tenant or classification key (`.../ai:*`,
 *   `dynamodb:LeadingKeys`) without a `Null: false` guard on the same key: a resource or request
 *   without the key passes, which defeats the narrowing.
 *
 * Findings: `<operator>::<key>`.
 */
export function noAlwaysTrueConditions(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  for (const s of role.statements) {
    if (s.effect !== 'Allow') continue;
    for (const c of s.conditions) if (alwaysTrue(c, s, role)) findings.add(finding(c.operator, c.key));
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

function alwaysTrue(c: ConditionEntry, s: NormalizedStatement, role: AgentRole): boolean {
  const op = c.operator.replace(/^For(All|Any)Values:/i, '');
  const key = c.key.toLowerCase();
  if (/Like(IfExists)?$/i.test(op) && !/Not/i.test(op) && c.values.some((v) => v === '*')) return true;
  if (op === 'Null' && c.values.length > 0 && c.values.every((v) => v.toLowerCase() === 'false')) {
    return alwaysPresent(key, role);
  }
  if (!/Not/i.test(op) && c.values.length > 0 && c.values.every((v) => v.toLowerCase() === `<${key}>`))
    return true;
  if (/IfExists$/i.test(op) && ABAC_KEY.test(key)) {
    const guarded = s.conditions.some(
      (g) =>
        g.operator === 'Null' &&
        g.key.toLowerCase() === key &&
        g.values.every((v) => v.toLowerCase() === 'false'),
    );
    return !guarded;
  }
  return false;
}

function alwaysPresent(key: string, role: AgentRole): boolean {
  if (ALWAYS_PRESENT.has(key)) return true;
  const tag = /^aws:principaltag\/(.+)$/.exec(key);
  return tag !== null && [...role.tags.keys()].some((k) => k.toLowerCase() === tag[1]);
}
