import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { failAt } from '../../shared/errors';
import { AgentGrantSharing } from '../agent-grant-sharing';
import { AgentBoundary } from '../agent-boundary';

/** IAM's limit on the inline policies of one role, less room for the policy name. */
export const INLINE_POLICY_BUDGET = 10_000;
/** IAM's limit on one customer managed policy (6,144), less room for its envelope. */
export const MANAGED_POLICY_BUDGET = 6_000;
/** Managed policies a role may carry by default. */
const MAX_MANAGED_POLICIES = 10;
const INLINE_POLICY_NAME = 'AgentAccess';

/** An agent's grants as one minimized document, with its resolved JSON (its size and identity). */
export interface MeasuredGrants {
  /** The minimized document of every grant. */
  readonly document: iam.PolicyDocument;
  /** The document resolved in the agent's stack, as IAM counts its characters. */
  readonly json: string;
}

/**
 * Everything an agent is granted, written where it costs least. Normally one minimized inline
 * policy on the role (no extra CloudFormation resource). Agents of one stack whose grants are
 * identical may share one managed policy instead, within the budget {@link AgentGrantSharing}
 * keeps. Only when the grants would pass IAM's 10,240-character limit for a role's inline policies
 * are the remaining statements packed, in grant order, into customer managed policies of at most
 * 6,144 characters attached to the same role — so an agent with many grants never fails at deploy
 * time on a size limit.
 *
 * Packing happens once per stack, when synthesis visits the stack's {@link AgentGrantSharing}.
 */
export class AgentAccessPolicy {
  private readonly statements: iam.PolicyStatement[] = [];
  private inline?: iam.PolicyDocument;
  private readonly overflow: iam.ManagedPolicy[] = [];
  private shared?: iam.ManagedPolicy;

  constructor(
    private readonly owner: Construct,
    private readonly role: iam.Role,
  ) {
    this.renderInlineLazily();
    AgentGrantSharing.of(owner)._register(this);
  }

  /** The agent construct whose grants these are. */
  public get agent(): Construct {
    return this.owner;
  }

  /** Adds a statement to the agent's grants. */
  public addStatements(...statements: iam.PolicyStatement[]): void {
    if (this.inline) {
      // granted after packing (from an aspect): goes inline, where the limit is checked at deploy
      if (this.inline.isEmpty) this.renderInlineLazily();
      this.inline.addStatements(...statements);
      return;
    }
    this.statements.push(...statements);
  }

  /** The overflow managed policies, empty unless the grants outgrew the inline policy. */
  public get overflowPolicies(): iam.ManagedPolicy[] {
    return [...this.overflow];
  }

  /** The managed policy this agent shares with agents granted exactly the same, if any. */
  public get sharedPolicy(): iam.ManagedPolicy | undefined {
    return this.shared;
  }

  /**
   * The grants as one minimized document and its resolved JSON, which is both its size as IAM
   * counts it and the key that tells identical grants apart. Undefined when nothing is granted.
   */
  public measure(): MeasuredGrants | undefined {
    if (this.statements.length === 0) return undefined;
    const doc = document(this.statements);
    return { document: doc, json: JSON.stringify(Stack.of(this.owner).resolve(doc)) };
  }

  /** Attaches the shared policy holding exactly this agent's grants; nothing stays inline. */
  public useShared(policy: iam.ManagedPolicy): void {
    this.shared = policy;
    this.inline = document([]);
    this.cfnRole.policies = undefined;
    this.role.addManagedPolicy(policy);
  }

  /** Writes the grants inline, spilling into overflow policies only past the inline limit. */
  public pack(measured: MeasuredGrants | undefined): void {
    if (measured === undefined) {
      this.inline = document([]);
      this.cfnRole.policies = undefined;
      return;
    }
    if (measured.json.length <= INLINE_POLICY_BUDGET) {
      this.inline = measured.document;
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
    // the role's other managed policies are the permissions guardrails: more of them on a role without the boundary
    const guardrailPolicies = AgentBoundary.of(this.owner).permissionsGuardrailPolicyCount(
      this.role.permissionsBoundary !== undefined,
    );
    const maxOverflow = MAX_MANAGED_POLICIES - guardrailPolicies;
    if (groups.length - 1 > maxOverflow) {
      failAt(
        this.owner,
        `the grants of this agent need ${groups.length - 1} overflow policies, more than the ${maxOverflow} a role can carry besides the permissions guardrails; split the agent's duties over several agents`,
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

  private get cfnRole(): iam.CfnRole {
    return this.role.node.defaultChild as iam.CfnRole;
  }

  /**
   * Renders the inline policy at synthesis. Removed (not left to produce nothing) when an agent
   * has no inline grants: rule packs read the property before it resolves.
   */
  private renderInlineLazily(): void {
    this.cfnRole.policies = Lazy.any({
      produce: () => this.renderInline(),
    }) as unknown as iam.CfnRole.PolicyProperty[];
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
function size(scope: Construct, doc: iam.PolicyDocument): number {
  return JSON.stringify(Stack.of(scope).resolve(doc)).length;
}
