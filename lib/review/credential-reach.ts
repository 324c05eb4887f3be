import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { matchesPattern } from '../report/iam-pattern';
import { AgentCoreIdentityNames } from '../shared/agentcore-identity';
import { isAccessDenied, isNoSuchEntity } from './review-errors';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The AgentCore token-vault credential providers an agent role can reach in the live account: the
 * resources (provider ARNs, or `*`) of Allow statements with `GetResourceOauth2Token`,
 * `GetResourceApiKey` or `CompleteResourceTokenAuth` in its inline and attached managed policies.
 * Sorted; undefined when IAM denies reading the policies (the review then says nothing rather
 * than something wrong). Denies are not subtracted: the list is what the role's Allows reach.
 */
export async function reachableCredentialProviders(
  client: IAMClient,
  roleName: string,
): Promise<string[] | undefined> {
  try {
    const documents: Json[] = [];
    const inline = await client.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    for (const name of inline?.PolicyNames ?? []) {
      const policy = await client.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
      if (policy?.PolicyDocument) documents.push(decode(policy.PolicyDocument));
    }
    const attached = await client.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    for (const p of attached?.AttachedPolicies ?? []) {
      if (!p.PolicyArn) continue;
      const meta = await client.send(new GetPolicyCommand({ PolicyArn: p.PolicyArn }));
      const versionId = meta?.Policy?.DefaultVersionId;
      if (!versionId) continue;
      const version = await client.send(
        new GetPolicyVersionCommand({ PolicyArn: p.PolicyArn, VersionId: versionId }),
      );
      if (version?.PolicyVersion?.Document) documents.push(decode(version.PolicyVersion.Document));
    }
    return providersIn(documents);
  } catch (error) {
    if (isAccessDenied(error)) return undefined;
    if (isNoSuchEntity(error)) return [];
    throw error;
  }
}

/** Provider resources of the token-vault Allow statements of policy documents, sorted. */
export function providersIn(documents: Json[]): string[] {
  const found = new Set<string>();
  for (const doc of documents) {
    for (const s of list(doc?.Statement)) {
      if (s?.Effect !== 'Allow' || s.NotAction !== undefined) continue;
      const actions = list(s.Action).map(String);
      const vault = AgentCoreIdentityNames.TOKEN_VAULT_ACTIONS.some((a) => actions.some((w) => covers(w, a)));
      if (!vault) continue;
      for (const r of list(s.Resource).map(String)) {
        if (r === '*' || /credentialprovider\/./.test(r)) found.add(r);
      }
    }
  }
  return [...found].sort();
}

function decode(document: string): Json {
  return JSON.parse(decodeURIComponent(document));
}

function list(value: Json): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function covers(written: string, action: string): boolean {
  return matchesPattern(action.toLowerCase(), written.toLowerCase());
}
