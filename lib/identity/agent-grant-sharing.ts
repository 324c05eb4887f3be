import { createHash } from 'crypto';
import { Aspects, IAspect, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import {
  acknowledgeFindings,
  acknowledgeWildcardResource,
  acknowledgementsRecordedOn,
  wildcardAcknowledgementsOn,
} from '../shared/nag-acknowledgements';
import {
  MANAGED_POLICY_BUDGET,
  type AgentAccessPolicy,
  type MeasuredGrants,
} from './private/agent-access-policy';
import { AgentBoundary } from './agent-boundary';

const SHARING_ID = 'AgentSharedGrants';

/**
 * Decides, once per stack, where each agent's grants are written.
 *
 * Agents of one stack whose grants resolve to exactly the same policy document — typically the
 * agents of one tenant with the same tools — can carry one customer managed policy between them
 * instead of a copy each: the template shrinks by the copies (and synthesis, which validates
 * every byte, gets faster), but each shared policy is one more CloudFormation resource. The
 * library keeps the stack's cost at about one resource per agent: the IAM resources of its agents
 * (roles, the AgentBoundary pair, shared policies) never exceed 1.05 per agent, so a stack may
 * share one policy for every 20 agents it holds, less the boundary pair. The groups whose sharing
 * saves the most characters are shared first; every other agent keeps its grants inline.
 *
 * Sharing never changes what an agent may do: only a document identical to the agent's own is
 * shared, it is attached to exactly the agents it was computed from, and grants added later go
 * inline on that agent alone. Acknowledgements of findings that every agent of the group carries
 * are recorded on the shared policy, which is where cdk-nag now finds those statements.
 *
 * As agents are added to or removed from a stack, a group may move between shared and inline:
 * an in-place update of the roles' policies, never a replacement of a role. The shared policy's
 * construct id is derived from its content, so unchanged groups keep their policy.
 */
export class AgentGrantSharing extends Construct implements IAspect {
  /**
   * Agents a stack must hold for each policy shared between them: the IAM resources of a stack's
   * agents — their roles, the AgentBoundary pair and the shared policies — stay at or below
   * 1 + 1/AGENTS_PER_SHARED_POLICY (1.05) per agent.
   */
  public static readonly AGENTS_PER_SHARED_POLICY = 20;

  /** The stack's grant sharing, created with its first agent. */
  public static of(scope: IConstruct): AgentGrantSharing {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SHARING_ID);
    if (existing instanceof AgentGrantSharing) return existing;
    return new AgentGrantSharing(stack, SHARING_ID);
  }

  private readonly members: AgentAccessPolicy[] = [];
  private packed = false;

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    Aspects.of(this).add(this);
  }

  /**
   * Registers an agent's grants to be packed with the stack's other agents.
   * @internal
   */
  public _register(policy: AgentAccessPolicy): void {
    // an agent created after packing keeps its grants inline, unpacked
    if (!this.packed) this.members.push(policy);
  }

  /** Packs every agent of the stack, once, when synthesis visits this construct. */
  public visit(node: IConstruct): void {
    if (node !== this || this.packed) return;
    this.packed = true;
    const measured = this.members.map((member) => member.measure());
    const shared = chooseShared(measured, boundaryResources(this));
    const groups = new Map<string, { document: iam.PolicyDocument; agents: AgentAccessPolicy[] }>();
    this.members.forEach((member, i) => {
      const m = measured[i];
      if (!m || !shared.has(m.json)) return member.pack(m);
      let group = groups.get(m.json);
      if (!group) groups.set(m.json, (group = { document: m.document, agents: [] }));
      group.agents.push(member);
    });
    for (const [json, { document, agents }] of groups) {
      const policy = new iam.ManagedPolicy(this, `Grants${digest(json)}`, {
        description:
          'cdk-agent-identity: grants shared by the AI agents of this stack whose access is identical',
        document,
      });
      carryCommonAcknowledgements(
        policy,
        agents.map((a) => a.agent),
      );
      for (const agent of agents) agent.useShared(policy);
    }
  }
}

/**
 * The documents worth sharing: held by two or more agents, small enough for one managed policy,
 * largest saving first, no more than the stack's budget of one per 20 agents, less `reserved`.
 */
function chooseShared(measured: (MeasuredGrants | undefined)[], reserved: number): Set<string> {
  const budget = Math.floor(measured.length / AgentGrantSharing.AGENTS_PER_SHARED_POLICY) - reserved;
  if (budget <= 0) return new Set();
  const counts = new Map<string, number>();
  for (const m of measured) {
    if (m && m.json.length <= MANAGED_POLICY_BUDGET) counts.set(m.json, (counts.get(m.json) ?? 0) + 1);
  }
  const candidates = [...counts]
    .filter(([, n]) => n >= 2)
    .map(([json, n]) => ({ json, saving: (n - 1) * json.length, key: digest(json) }))
    .sort((a, b) => b.saving - a.saving || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return new Set(candidates.slice(0, budget).map((c) => c.json));
}

/** The stack's AgentBoundary policies, which count against the sharing budget. */
function boundaryResources(scope: IConstruct): number {
  const boundary = Stack.of(scope).node.children.find((c) => c instanceof AgentBoundary);
  return boundary instanceof AgentBoundary ? boundary.policyCount : 0;
}

/**
 * Records on the shared policy the acknowledgements every one of `agents` carries, on itself or an
 * ancestor below the stack (the policy sits elsewhere in the tree, so it would not inherit them),
 * with the first agent's reason. Wildcard-resource acknowledgements are carried as such, so the
 * policy too recognizes the finding by the name it gets once references between stacks resolve.
 */
function carryCommonAcknowledgements(policy: iam.ManagedPolicy, agents: Construct[]): void {
  const wildcards = agents.map((agent) => new Map(wildcardAcknowledgementsOn(agent)));
  for (const [resource, reason] of wildcards[0]) {
    if (wildcards.every((w) => w.has(resource))) acknowledgeWildcardResource(policy, resource, reason);
  }
  const carried = new Set(acknowledgementsRecordedOn(policy).map(([id]) => id));
  const perAgent = agents.map(acknowledgementsOf);
  const common: Record<string, string> = {};
  for (const [id, reason] of Object.entries(perAgent[0])) {
    if (!carried.has(id) && perAgent.every((acks) => id in acks)) common[id] = reason;
  }
  acknowledgeFindings(policy, common);
}

function acknowledgementsOf(agent: Construct): Record<string, string> {
  const stack = Stack.of(agent);
  const out: Record<string, string> = {};
  for (const scope of agent.node.scopes) {
    if (scope.node.scopes.length <= stack.node.scopes.length) continue; // the policy inherits these
    for (const [id, reason] of acknowledgementsRecordedOn(scope)) out[id] ??= reason;
  }
  return out;
}

/** A short stable name for a document, from its content. */
function digest(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 12);
}
