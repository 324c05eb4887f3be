import { CfnResource, Token } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { AgentRole, AppIndex, IndexedResource } from '../private/app-index';
import { CheckContext } from '../private/context';
import { Json, asArray, finding, flatten } from '../private/policy';

/**
 * AgentIdentity-AuditTrail: every agent role is covered by an audit trail of the app (any
 * stack). A trail **covers** an agent role when it records management events (no selectors,
 * an event selector with `IncludeManagementEvents` not false, or an advanced selector for
 * `eventCategory = Management`) in the role's account — an organization trail, or a trail of
 * the same account (an unknown account at synth counts as the same) — and in the region of
 * the role's stack (a multi-region trail, or a trail of the same region).
 * A covering trail qualifies when it is logging (`IsLogging`), validates its log files
 * (`EnableLogFileValidation`), encrypts with KMS (`KMSKeyId`) and writes to an S3 bucket of
 * the app with `ObjectLockEnabled`.
 * Data events of the agent's resources are not judged here (see the audit constructs).
 *
 * Findings: `NoTrail` when no trail covers the role; otherwise, when none qualifies,
 * `<stack>.<trail>::<IsLogging|EnableLogFileValidation|KMSKeyId|ObjectLock|ManagementEvents>`
 * per covering trail and missing property.
 */
export function auditTrail(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const covering = context.index.resources('AWS::CloudTrail::Trail').filter((t) => covers(t, role));
  if (covering.length === 0) return [finding('NoTrail')];
  const gaps = covering.map((trail) => ({ trail, missing: missingControls(trail, context.index) }));
  if (gaps.some((g) => g.missing.length === 0)) return NagRuleCompliance.COMPLIANT;
  return gaps.flatMap(({ trail, missing }) =>
    missing.map((m) => finding(`${trail.stack.stackName}.${trail.logicalId}`, m)),
  );
}

function covers(trail: IndexedResource, role: AgentRole): boolean {
  const p = trail.properties;
  const account = sameEnv(trail.stack.account, role.resource.stack.account) || p.IsOrganizationTrail === true;
  const region = sameEnv(trail.stack.region, role.resource.stack.region) || p.IsMultiRegionTrail === true;
  return account && region;
}

/** Equal, or unknown at synth on either side. */
function sameEnv(a: string, b: string): boolean {
  return Token.isUnresolved(a) || Token.isUnresolved(b) || a === b;
}

function missingControls(trail: IndexedResource, index: AppIndex): string[] {
  const p = trail.properties;
  const missing: string[] = [];
  if (p.IsLogging !== true) missing.push('IsLogging');
  if (!recordsManagementEvents(p)) missing.push('ManagementEvents');
  if (p.EnableLogFileValidation !== true) missing.push('EnableLogFileValidation');
  if (p.KMSKeyId === undefined || p.KMSKeyId === '') missing.push('KMSKeyId');
  if (!objectLocked(trail, index)) missing.push('ObjectLock');
  return missing;
}

function recordsManagementEvents(p: Json): boolean {
  const advanced = asArray<Json>(p.AdvancedEventSelectors);
  const basic = asArray<Json>(p.EventSelectors);
  if (advanced.length === 0 && basic.length === 0) return true;
  if (basic.some((s) => s?.IncludeManagementEvents !== false)) return true;
  return advanced.some((s) =>
    asArray<Json>(s?.FieldSelectors).some(
      (f) => f?.Field === 'eventCategory' && asArray<Json>(f?.Equals).includes('Management'),
    ),
  );
}

/** The trail's bucket is in the app (by reference or literal name) and has Object Lock on. */
function objectLocked(trail: IndexedResource, index: AppIndex): boolean {
  const name = trail.properties.S3BucketName;
  const bucket =
    index.target(name, trail.stack) ??
    index
      .resources('AWS::S3::Bucket')
      .find((b) => typeof name === 'string' && flatten(b.properties.BucketName) === name);
  return bucket?.type === 'AWS::S3::Bucket' && bucket.properties.ObjectLockEnabled === true;
}
