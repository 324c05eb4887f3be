import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { AgentRole, IndexedResource } from '../private/app-index';
import { CheckContext } from '../private/context';
import { Json, actionCovers, finding, flatten } from '../private/policy';

const READ_ACTION = 'secretsmanager:GetSecretValue';

/**
 * AgentIdentity-SecretRotation: a secret an agent reads (an agent role is allowed
 * `secretsmanager:GetSecretValue` on it, by reference or on `*` in the same stack) is rotated
 * by an `AWS::SecretsManager::RotationSchedule` at least every `maxSecretRotationDays`, and is
 * encrypted with a customer managed KMS key (`KmsKeyId` set, not an `alias/aws/` key).
 * Rotation intervals are read from `AutomaticallyAfterDays` or a `rate(...)` expression; a
 * `cron(...)` expression counts as at most 31 days when it runs every month.
 * The finding is reported on the secret.
 *
 * Findings: `Rotation::missing`, `Rotation::<days>days`, `Rotation::unverifiable`,
 * `KmsKeyId::missing`, `KmsKeyId::aws-managed`.
 */
export function secretRotation(node: CfnResource, context: CheckContext): NagRuleResult {
  const secret = context.index.of(node);
  if (!secret || secret.type !== 'AWS::SecretsManager::Secret') return NagRuleCompliance.NOT_APPLICABLE;
  const readers = context.index.allAgentRoles().filter((role) => reads(role, secret, context));
  if (readers.length === 0) return NagRuleCompliance.NOT_APPLICABLE;

  const findings: string[] = [];
  const schedules = context.index
    .resources('AWS::SecretsManager::RotationSchedule')
    .filter((s) => context.index.target(s.properties.SecretId, s.stack) === secret);
  if (schedules.length === 0) {
    findings.push(finding('Rotation', 'missing'));
  } else {
    const days = schedules.map((s) => rotationDays(s.properties.RotationRules));
    const best = Math.min(...days.map((d) => d ?? Infinity));
    if (best === Infinity) findings.push(finding('Rotation', 'unverifiable'));
    else if (best > context.maxSecretRotationDays) findings.push(finding('Rotation', `${best}days`));
  }
  const key = secret.properties.KmsKeyId;
  if (key === undefined || key === '') findings.push(finding('KmsKeyId', 'missing'));
  else if (/alias\/aws\//.test(flatten(key))) findings.push(finding('KmsKeyId', 'aws-managed'));
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}

function reads(role: AgentRole, secret: IndexedResource, context: CheckContext): boolean {
  const sameStack = role.resource.stack === secret.stack;
  return role.statements.some(
    (s) =>
      s.effect === 'Allow' &&
      s.actions.some((w) => actionCovers(w, READ_ACTION)) &&
      s.rawResources.some(
        (r) =>
          (r === '*' && sameStack) ||
          context.index.referencedIn(r, role.resource.stack).some((target) => target === secret),
      ),
  );
}

/** Days between rotations, or undefined when the rules cannot be read. */
export function rotationDays(rules: Json): number | undefined {
  if (!rules || typeof rules !== 'object') return undefined;
  if (typeof rules.AutomaticallyAfterDays === 'number') return rules.AutomaticallyAfterDays;
  const expr = typeof rules.ScheduleExpression === 'string' ? rules.ScheduleExpression.trim() : '';
  const rate = /^rate\((\d+)\s+(day|days|hour|hours)\)$/.exec(expr);
  if (rate) return rate[2].startsWith('hour') ? Math.ceil(Number(rate[1]) / 24) : Number(rate[1]);
  const cron = /^cron\((.+)\)$/.exec(expr);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    // minutes hours day-of-month month day-of-week year: every month => at most 31 days apart
    if (fields.length === 6 && fields[3] === '*') return 31;
  }
  return undefined;
}
