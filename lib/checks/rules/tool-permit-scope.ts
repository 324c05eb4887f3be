import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { cedarDefinitionText, readCedarPolicy } from '../../shared/cedar-policy-reader';
import { CheckContext } from '../private/context';
import { finding } from '../private/policy';

/**
 * AgentIdentity-ToolPermitScope: a Cedar permit of an AgentCore policy engine names the tools
 * and the caller it permits. Read from the `AWS::BedrockAgentCore::Policy` definition with the
 * Cedar parser.
 *
 * Findings: `Scope::all-tools` (the action is unconstrained or the `CallTool` / `Mcp` group),
 * `Scope::all-principals` (the principal is unconstrained or only typed, and no condition reads
 * it), `Scope::all-gateways` (the resource is not one gateway), `Cedar::unreadable` (the text
 * does not parse, so it cannot be judged). Forbids are never findings: they only take away.
 */
export function toolPermitScope(node: CfnResource, context: CheckContext): NagRuleResult {
  const resource = context.index.of(node);
  if (resource?.type !== 'AWS::BedrockAgentCore::Policy') return NagRuleCompliance.NOT_APPLICABLE;
  const scope = readCedarPolicy(cedarDefinitionText(resource.properties.Definition));
  if (!scope) return [finding('Cedar', 'unreadable')];
  if (scope.effect !== 'permit') return NagRuleCompliance.COMPLIANT;
  const findings: string[] = [];
  if (scope.allTools) findings.push(finding('Scope', 'all-tools'));
  if (scope.allPrincipals) findings.push(finding('Scope', 'all-principals'));
  if (scope.gateway === undefined) findings.push(finding('Scope', 'all-gateways'));
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}
