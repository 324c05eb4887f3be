import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeFindings } from '../shared/nag-acknowledgements';
import {
  AGENT_RUNTIME_ACTIONS,
  AGENT_SERVICES,
  GUARD_RAILS,
  GUARD_RAIL_POLICIES,
  guardRailStatement,
} from './guard-rails';

const BOUNDARY_ID = 'AgentBoundary';

/**
 * The guard rails shared by every agent in a stack: one permissions boundary and the explicit-deny
 * policies, created once per stack however many agents it holds.
 *
 * The boundary is a ceiling, not a grant: it allows only the services agents use
 * ({@link AGENT_SERVICES}) and the runtime actions their compute needs ({@link AGENT_RUNTIME_ACTIONS}),
 * less the guard rails; what an agent may actually do comes only from its own grants. The guard-rail
 * policies repeat every rail as identity policies (in as many managed policies as IAM's size limit
 * needs), so they hold even on a role whose boundary was opted out of, and their explicit denies
 * also stop grants made by resource policies.
 */
export class AgentBoundary extends Construct {
  /** The stack's shared boundary, created on first use. */
  public static of(scope: IConstruct): AgentBoundary {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(BOUNDARY_ID);
    if (existing instanceof AgentBoundary) return existing;
    return new AgentBoundary(stack, BOUNDARY_ID);
  }

  /** The managed policy used as the permissions boundary of every agent role. */
  public readonly boundary: iam.ManagedPolicy;
  /** The first managed policy of guard rails (see `guardRailPolicies` for all of them). */
  public readonly guardRails: iam.ManagedPolicy;
  /** Every managed policy of guard rails, each attached to every agent role. */
  public readonly guardRailPolicies: iam.ManagedPolicy[];

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    this.boundary = new iam.ManagedPolicy(this, 'Boundary', {
      description: 'cdk-agent-identity: permissions boundary shared by the AI agents of this stack',
      statements: [
        new iam.PolicyStatement({
          sid: 'Ceiling',
          actions: [...AGENT_SERVICES.map((s) => `${s}:*`), ...AGENT_RUNTIME_ACTIONS],
          resources: ['*'],
        }),
        ...GUARD_RAILS.filter((r) => !r.beyondCeiling).map(guardRailStatement),
      ],
    });
    const ceiling =
      'a permissions boundary grants nothing: an agent may do only what its own policies allow AND the boundary allows; ' +
      'the boundary names the services agents use (service:*) as the ceiling the explicit guard-rail denies are carved from, ' +
      'and it is never attached as a grant';
    acknowledgeFindings(this.boundary, {
      'AwsSolutions-IAM5[Resource::*]': ceiling,
      ...Object.fromEntries(AGENT_SERVICES.map((s) => [`AwsSolutions-IAM5[Action::${s}:*]`, ceiling])),
      'NIST.800.53.R5-IAMPolicyNoStatementsWithFullAccess': ceiling,
    });
    this.guardRailPolicies = GUARD_RAIL_POLICIES.map(
      (rails, i) =>
        new iam.ManagedPolicy(this, i === 0 ? 'GuardRails' : `GuardRails${i + 1}`, {
          description: `cdk-agent-identity: explicit denies every AI agent of this stack carries${
            GUARD_RAIL_POLICIES.length > 1 ? ` (part ${i + 1} of ${GUARD_RAIL_POLICIES.length})` : ''
          }`,
          statements: rails.map(guardRailStatement),
        }),
    );
    this.guardRails = this.guardRailPolicies[0];
  }
}
