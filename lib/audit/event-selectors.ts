import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import { IAgentIdentity } from '../identity/agent-capabilities';
import { ResourcePolicyAudit } from './private/resource-policy-audit';

/**
 * CloudTrail accepts at most 500 values across all conditions of all advanced event selectors of
 * one trail (CloudTrail quotas; `InvalidEventSelectorsException`). The quota cannot be raised.
 */
export const MAX_SELECTOR_VALUES = 500;

/** `AWS::<Service>::<Type>`, the shape of every CloudTrail data resource type. */
const RESOURCE_TYPE = /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/;

/** The advanced event selectors a trail needs for its agents, and what is wrong with them. */
export interface SelectorPlan {
  /** Management events first, then one data selector per resource type. */
  readonly selectors: cloudtrail.CfnTrail.AdvancedEventSelectorProperty[];
  /** Number of condition values, counted the way CloudTrail counts them against its quota. */
  readonly valueCount: number;
  /** Entitlements that cannot be turned into a selector, as user-facing messages. */
  readonly problems: string[];
}

/** The management-event selector: with advanced selectors, management events must be selected too. */
export const MANAGEMENT_SELECTOR: cloudtrail.CfnTrail.AdvancedEventSelectorProperty = {
  name: 'Management events',
  fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }],
};

/**
 * The ARN prefix of every session of an agent's role, `arn:<partition>:sts::<account>:assumed-role/<roleName>/`,
 * which is what CloudTrail records in `userIdentity.arn` for calls the agent makes.
 */
export function assumedRolePrefix(agent: IAgentIdentity): string {
  return Stack.of(agent).formatArn({
    service: 'sts',
    region: '',
    resource: 'assumed-role',
    resourceName: `${agent.roleName}/`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/**
 * Plans the advanced event selectors for a set of agents: one selector per CloudTrail resource type,
 * recording data events on the resources the agents were granted, made by the agents' sessions.
 * Nothing is dropped: when the plan exceeds CloudTrail's quota the caller reports an error.
 */
export function planSelectors(
  agents: readonly IAgentIdentity[],
  resourcePolicies: ResourcePolicyAudit = { resources: [], problems: [] },
): SelectorPlan {
  const problems: string[] = [...resourcePolicies.problems];
  const byType = new Map<string, { arns: string[]; sessions: string[] }>();
  // what the library granted (entitlements), then what resource policies grant (read from the tree)
  const audited = agents.flatMap((agent) =>
    agent.entitlements.flatMap((entitlement) =>
      entitlement.auditedResources.map((resource) => ({
        agent,
        resource,
        where: `agent ${JSON.stringify(agent.agentName)} entitlement ${JSON.stringify(entitlement.description)}`,
      })),
    ),
  );
  /** Per type, the sessions of agents reaching resources of that type the trail cannot name (another stack). */
  const anyOfType = new Map<string, string[]>();
  for (const r of resourcePolicies.resources) {
    if (r.arn === undefined) {
      let sessions = anyOfType.get(r.resourceType);
      if (!sessions) anyOfType.set(r.resourceType, (sessions = []));
      pushUnique(sessions, assumedRolePrefix(r.agent));
      continue;
    }
    audited.push({
      agent: r.agent,
      resource: { resourceType: r.resourceType, arn: r.arn },
      where: `agent ${JSON.stringify(r.agent.agentName)} resource policy ${r.source}`,
    });
  }
  for (const { agent, resource, where } of audited) {
    const session = assumedRolePrefix(agent);
    if (Token.isUnresolved(resource.resourceType) || !RESOURCE_TYPE.test(resource.resourceType)) {
      problems.push(
        `${where} names resource type ${JSON.stringify(resource.resourceType)}; use a literal CloudTrail data resource type such as AWS::S3::Object`,
      );
      continue;
    }
    if (!Token.isUnresolved(resource.arn) && !resource.arn.startsWith('arn:')) {
      problems.push(
        `${where} names ${JSON.stringify(resource.arn)} as audited resource; it must be an ARN or ARN prefix`,
      );
      continue;
    }
    if (!Token.isUnresolved(resource.arn) && resource.arn.includes('*')) {
      problems.push(
        `${where} names ${JSON.stringify(resource.arn)}; event selectors take no wildcards (they would match nothing), name the ARN prefix instead`,
      );
      continue;
    }
    let group = byType.get(resource.resourceType);
    if (!group) {
      group = { arns: [], sessions: [] };
      byType.set(resource.resourceType, group);
    }
    pushUnique(group.arns, resource.arn);
    pushUnique(group.sessions, session);
  }

  const selectors = [MANAGEMENT_SELECTOR];
  let valueCount = 1;
  for (const type of [...byType.keys()].sort()) {
    const group = byType.get(type)!;
    const arns = collapsePrefixes(group.arns);
    selectors.push({
      name: `Agent data events on ${type}`,
      fieldSelectors: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: [type] },
        { field: 'resources.ARN', startsWith: arns },
        { field: 'userIdentity.arn', startsWith: group.sessions },
      ],
    });
    valueCount += 2 + arns.length + group.sessions.length;
  }
  for (const type of [...anyOfType.keys()].sort()) {
    if (!RESOURCE_TYPE.test(type)) continue;
    const sessions = anyOfType.get(type)!;
    selectors.push({
      name: `Agent data events on ${type} granted by resource policies of other stacks`,
      fieldSelectors: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: [type] },
        { field: 'userIdentity.arn', startsWith: sessions },
      ],
    });
    valueCount += 2 + sessions.length;
  }
  return { selectors, valueCount, problems };
}

function pushUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** Drops literal ARNs already covered by a shorter literal prefix in the list (StartsWith semantics). */
function collapsePrefixes(arns: string[]): string[] {
  const literals = arns.filter((a) => !Token.isUnresolved(a));
  return arns.filter(
    (a) => Token.isUnresolved(a) || !literals.some((other) => other !== a && a.startsWith(other)),
  );
}
