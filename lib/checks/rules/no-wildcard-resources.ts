import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { matchingActions } from '../../shared/iam-catalog';
import { CheckContext } from '../private/context';
import { parseArn, statementFinding } from '../private/policy';
import { invokes } from './bedrock-exact-models';

/**
 * AgentIdentity-NoWildcardResources: an Allow statement of an agent role may use `Resource: *`
 * only for actions that take no resource type (per the IAM service authorization reference,
 * e.g. `s3:ListAllMyBuckets`, `bedrock:ListFoundationModels`). A pattern is reported when any
 * action it matches takes a resource type.
 *
 * A wildcard beyond a bare `*` is reported too when it stands for *which* resource: a `*` or `?`
 * in the ARN's service, region or account, or in the resource's name — the bucket of an S3 ARN
 * (`arn:aws:s3:::*` + `/*`), otherwise the part after the resource type (`…:secret:*`,
 * `…:table/*`, `…:queue-*`). A wildcard after the name (an S3 key prefix `bucket/inbox/*`, a
 * table's `index/*`) and the six-character suffix Secrets Manager appends (`-??????`) are fine.
 * Bedrock invoke statements are left to AgentIdentity-BedrockExactModels.
 *
 * Findings: `Action::<action or pattern>`, `Resource::<resource>`.
 */
export function noWildcardResources(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  for (const s of role.statements) {
    if (s.effect !== 'Allow') continue;
    if (!invokes(s)) {
      for (const r of s.resources) if (wildcardIdentity(r)) findings.add(statementFinding(s, 'Resource', r));
    }
    if (!s.resources.includes('*')) continue;
    for (const action of s.actions) {
      if (action === '*' || matchingActions(action).some((a) => a.resourceTypes.length > 0)) {
        findings.add(statementFinding(s, 'Action', action));
      }
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

/** True when a wildcard in an ARN stands for which resource (see the rule's description). */
export function wildcardIdentity(resource: string): boolean {
  if (resource === '*' || !/[*?]/.test(resource)) return false;
  const arn = parseArn(resource);
  if (!arn) {
    // a reference to the resource's ARN (`<Bucket.Arn>/inbox/*`): only a wildcard glued to it widens which resource
    const ref = /^<[^>]*>/.exec(resource);
    return ref === null || /^[*?]/.test(resource.slice(ref[0].length));
  }
  if (/[*?]/.test(`${arn.partition}:${arn.service}:${arn.region}:${arn.account}`)) return true;
  const parts = arn.resource.split(/[/:]/);
  const nameIndex = arn.service === 's3' || parts.length === 1 ? 0 : 1;
  return parts.slice(0, nameIndex + 1).some((p) => /[*?]/.test(p.replace(/-\?{6}$/, '')));
}
