import { Aspects, IAspect, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { failAt } from '../shared/errors';

/** IAM's limit on the inline policies of one role, less room for the policy name. */
export const INLINE_POLICY_BUDGET = 10_000;
/** IAM's limit on one customer managed policy (6,144), less room for its envelope. */
export const MANAGED_POLICY_BUDGET = 6_000;
/** Managed policies a role may carry by default (10), less the shared guard-rail policy. */
const MAX_OVERFLOW_POLICIES = 9;
const INLINE_POLICY_NAME = 'AgentAccess';

/**
 * Everything an agent is granted, written where it costs least: one minimized inline policy on
 * the role (no extra CloudFormation resource). Only when that would pass IAM's 10,240-character
 * limit for a role's inline policies are the remaining statements packed, in grant order, into
 * customer managed policies of at most 6,144 characters attached to the same role — so an agent
 * with many grants never fails at deploy time on a size limit.
 */
export class AgentAccessPolicy implements IAspect {
  private readonly statements: iam.PolicyStatement[] = [];
  private inline?: iam.PolicyDocument;
  private readonly overflow: iam.ManagedPolicy[] = [];

  constructor(
    private readonly owner: Construct,
    private readonly role: iam.Role,
  ) {
    const cfnRole = role.node.defaultChild as iam.CfnRole;
    cfnRole.policies = Lazy.any({
      produce: () => this.renderInline(),
    }) as unknown as iam.CfnRole.PolicyProperty[];
    Aspects.of(owner).add(this);
  }

  /** Adds a statement to the agent's grants. */
  public addStatements(...statements: iam.PolicyStatement[]): void {
    if (this.inline) {
      // granted after packing (from another aspect): goes inline, where the limit is checked at deploy
      this.inline.addStatements(...statements);
      return;
    }
    this.statements.push(...statements);
  }

  /** The overflow managed policies, empty unless the grants outgrew the inline policy. */
  public get overflowPolicies(): iam.ManagedPolicy[] {
    return [...this.overflow];
  }

  /** Packs the grants once, when synthesis visits the agent. */
  public visit(node: IConstruct): void {
    if (node !== this.owner || this.inline) return;
    const all = document(this.statements);
    const resolved = Stack.of(this.owner).resolve(all);
    if (this.statements.length === 0 || JSON.stringify(resolved).length <= INLINE_POLICY_BUDGET) {
      this.inline = all;
      return;
    }
    const groups: iam.PolicyStatement[][] = [[]];
    let used = 0;
    for (const statement of this.statements) {
      const cost = size(this.owner, document([statement]));
      const budget = groups.length === 1 ? INLINE_POLICY_BUDGET : MANAGED_POLICY_BUDGET;
      if (cost > MANAGED_POLICY_BUDGET) {
        failAt(
          this.owner,
          `one statement of this agent is ${cost} characters, more than a managed policy can hold (6,144); split the grant over fewer resources per statement`,
        );
      }
      if (used + cost > budget && groups[groups.length - 1].length > 0) {
        groups.push([]);
        used = 0;
      }
      groups[groups.length - 1].push(statement);
      used += cost;
    }
    if (groups.length - 1 > MAX_OVERFLOW_POLICIES) {
      failAt(
        this.owner,
        `the grants of this agent need ${groups.length - 1} overflow policies, more than the ${MAX_OVERFLOW_POLICIES} a role can carry besides the guard rails; split the agent's duties over several agents`,
      );
    }
    this.inline = document(groups[0]);
    groups.slice(1).forEach((statements, i) => {
      this.overflow.push(
        new iam.ManagedPolicy(this.owner, `AccessOverflow${i + 1}`, {
          description: `Grants of AI agent ${this.owner.node.path} beyond its inline policy (part ${i + 1})`,
          roles: [this.role],
          document: document(statements),
        }),
      );
    });
  }

  private renderInline(): iam.CfnRole.PolicyProperty[] | undefined {
    const doc = this.inline ?? document(this.statements);
    if (doc.isEmpty) return undefined;
    // Rendered from the document, never from the value resolved while packing: references to other
    // stacks become exports/imports only at synthesis, after the aspects ran.
    return [{ policyName: INLINE_POLICY_NAME, policyDocument: doc }];
  }
}

function document(statements: iam.PolicyStatement[]): iam.PolicyDocument {
  return new iam.PolicyDocument({ minimize: true, statements });
}

/** Characters of the resolved, minimized document, as IAM counts them (no whitespace). */
function size(scope: IConstruct, doc: iam.PolicyDocument): number {
  return JSON.stringify(Stack.of(scope).resolve(doc)).length;
}
