import { CfnResource, Stack } from 'aws-cdk-lib';
import { AgentCoreIdentityNames } from '../../shared/agentcore-identity';
import { AgentTagKeys } from '../../shared/tag-keys';
import { AgentRole } from './app-index';
import { Json, NormalizedStatement, actionCovers, asArray, parseArn } from './policy';

type Renderable = { _toCloudFormation(): Json };

const BY_STACK = new WeakMap<Stack, Map<string, CfnResource>>();

/** The resource of `stack` with logical id `logicalId`, if it is a CfnResource of the app. */
export function resourceInStack(stack: Stack, logicalId: string): CfnResource | undefined {
  let ids = BY_STACK.get(stack);
  if (!ids) {
    ids = new Map();
    for (const c of stack.node.findAll()) {
      if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) ids.set(stack.resolve(c.logicalId), c);
    }
    BY_STACK.set(stack, ids);
  }
  return ids.get(logicalId);
}

/** The template entry (Type, Properties, Metadata) of a resource, resolved in its stack. */
export function renderedEntry(node: CfnResource): Json {
  const stack = Stack.of(node);
  const rendered = stack.resolve((node as unknown as Renderable)._toCloudFormation()) as Json;
  return Object.values<Json>(rendered?.Resources ?? {})[0] ?? {};
}

/** The credentials an agent role declares in its `cdk-agent-identity:credentials` metadata. */
export function declaredCredentials(role: AgentRole): Json | undefined {
  return renderedEntry(role.resource.node).Metadata?.[AgentCoreIdentityNames.METADATA_KEY];
}

/** The AgentCore token and token-vault actions a statement's actions cover. */
export function agentCoreActionsOf(statement: NormalizedStatement): string[] {
  const all = [
    ...AgentCoreIdentityNames.WORKLOAD_TOKEN_ACTIONS,
    ...AgentCoreIdentityNames.TOKEN_VAULT_ACTIONS,
  ];
  return all.filter((a) => statement.actions.some((w) => actionCovers(w, a)));
}

/** What a (flattened) resource of an AgentCore statement names. */
export type AgentCoreResource =
  | { readonly kind: 'any' }
  | { readonly kind: 'directory' | 'vault' | 'provider' | 'other' }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'identity'; readonly own: boolean; readonly name: string };

/**
 * Classifies a resource of a statement with AgentCore actions: the directory, the vault, a
 * provider, a workload identity (own or not), a wildcard reaching several of them, or other.
 * References are looked up in the role's stack: a `WorkloadIdentity` is the agent's own when its
 * `ai:agent` tag is the agent's name.
 */
export function classifyAgentCoreResource(role: AgentRole, flat: string): AgentCoreResource {
  if (flat === '*') return { kind: 'any' };
  const agentName = role.tags.get(AgentTagKeys.AGENT) ?? '';
  const arn = parseArn(flat);
  if (arn) {
    if (arn.service !== 'bedrock-agentcore' && !/[*?]/.test(arn.service)) return { kind: 'other' };
    const r = arn.resource;
    if (
      r === AgentCoreIdentityNames.DEFAULT_DIRECTORY ||
      r === `${AgentCoreIdentityNames.DEFAULT_DIRECTORY}/workload-identity`
    )
      return { kind: 'directory' };
    if (r === AgentCoreIdentityNames.DEFAULT_TOKEN_VAULT) return { kind: 'vault' };
    if (/^token-vault\/default\/(oauth2|apikey)credentialprovider$/.test(r)) return { kind: 'vault' };
    const identity = /^workload-identity-directory\/[^/]+\/workload-identity\/(.+)$/.exec(r);
    if (identity && !/[*?]/.test(identity[1]) && !/[*?]/.test(r.split('/')[1])) {
      return { kind: 'identity', own: identity[1] === agentName, name: identity[1] };
    }
    const provider = /^token-vault\/[^/*?]+\/(oauth2|apikey)credentialprovider\/[^*?]+$/.test(r);
    if (provider) return { kind: 'provider' };
    if (/[*?]/.test(flat)) return { kind: 'wildcard' };
    return { kind: 'other' };
  }
  // a reference: Fn::GetAtt [Id, Attr] (possibly inside a Fn::Join)
  const ref = /^<([A-Za-z0-9]+)\.([A-Za-z0-9.]+)>$/.exec(flat);
  const target = ref ? resourceInStack(role.resource.stack, ref[1]) : undefined;
  if (!target) return { kind: 'other' };
  switch (target.cfnResourceType) {
    case 'AWS::BedrockAgentCore::WorkloadIdentity': {
      const tags = asArray<Json>(renderedEntry(target).Properties?.Tags);
      const owner = tags.find((t) => t?.Key === AgentTagKeys.AGENT)?.Value;
      return { kind: 'identity', own: owner === agentName && agentName !== '', name: ref![1] };
    }
    case 'AWS::BedrockAgentCore::OAuth2CredentialProvider':
    case 'AWS::BedrockAgentCore::ApiKeyCredentialProvider':
      return { kind: 'provider' };
    default:
      return { kind: 'other' };
  }
}

/**
 * True when the role carries an explicit Deny that fences `action` to the agent's own workload
 * identity: its actions cover `action` and its `NotResource` names only the directory, the token
 * vault and the agent's own identity (what `AgentWorkloadIdentity` adds).
 */
export function fencedToOwnIdentity(role: AgentRole, action: string): boolean {
  return role.statements.some(
    (s) =>
      s.effect === 'Deny' &&
      s.notResources !== undefined &&
      s.conditions.length === 0 &&
      s.actions.some((w) => actionCovers(w, action)) &&
      s.notResources.every((r) => {
        const c = classifyAgentCoreResource(role, r);
        if (c.kind === 'identity') return c.own;
        if (c.kind === 'directory' || c.kind === 'vault') return true;
        return /:token-vault\/\*$/.test(r);
      }),
  );
}
