import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeFindings } from '../shared/nag-acknowledgements';
import { guardRailStatements } from './guard-rails';

const BOUNDARY_ID = 'AgentBoundary';

/**
 * The guard rails shared by every agent in a stack: one permissions boundary and one
 * explicit-deny policy, created once per stack however many agents it holds.
 *
 * The boundary allows everything except the guard rails — it is a ceiling, not a grant; what an
 * agent may actually do comes only from its own grants. The deny policy repeats the guard rails
 * as an identity policy, so they hold even on a role whose boundary was opted out of.
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
  /** The managed policy that repeats the guard rails as explicit denies on every agent role. */
  public readonly guardRails: iam.ManagedPolicy;

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    this.boundary = new iam.ManagedPolicy(this, 'Boundary', {
      description: 'cdk-agent-identity: permissions boundary shared by the AI agents of this stack',
      statements: [
        new iam.PolicyStatement({
          sid: 'Ceiling',
          actions: ['*'],
          resources: ['*'],
        }),
        ...guardRailStatements(),
      ],
    });
    const ceiling =
      'a permissions boundary grants nothing: an agent may do only what its own policies allow AND the boundary allows; ' +
      'Allow */* is the ceiling the explicit guard-rail denies are carved from, and it is never attached as a grant';
    acknowledgeFindings(this.boundary, {
      'AwsSolutions-IAM5[Action::*]': ceiling,
      'AwsSolutions-IAM5[Resource::*]': ceiling,
      'NIST.800.53.R5-IAMPolicyNoStatementsWithAdminAccess': ceiling,
      'NIST.800.53.R5-IAMPolicyNoStatementsWithFullAccess': ceiling,
    });
    this.guardRails = new iam.ManagedPolicy(this, 'GuardRails', {
      description: 'cdk-agent-identity: explicit denies every AI agent of this stack carries',
      statements: guardRailStatements(),
    });
  }
}
