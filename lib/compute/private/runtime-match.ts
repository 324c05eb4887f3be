import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { AgentIdentity } from '../../identity/agent-identity';
import { failAt, show } from '../../shared/errors';

/** The runtime factory behind each runtime kind, for error messages. */
const FACTORY_OF_KIND: Record<string, string> = {
  lambda: 'AgentRuntime.lambdaFunction()',
  'ecs-task': 'AgentRuntime.ecsTask()',
  'eks-pod-identity': 'AgentRuntime.eksPodIdentity({...})',
  'agentcore-runtime': 'AgentRuntime.agentCoreRuntime()',
  'bedrock-agent': 'AgentRuntime.bedrockAgent()',
  'github-actions': 'AgentRuntime.githubActions({...})',
  account: 'AgentRuntime.account(...)',
  delegated: 'AgentRuntime.delegatedFrom(...)',
};

/** Fails at `compute` unless `agent` was created for the runtime kind this compute needs. */
export function requireRuntime(
  compute: IConstruct,
  agent: AgentIdentity,
  kind: string,
  computeName: string,
  factory: string,
): void {
  if (!agent || typeof agent.runtimeKind !== 'string' || !agent.role) {
    failAt(
      compute,
      `binding ${computeName} needs an AgentIdentity, got ${show(agent === null || agent === undefined ? agent : (agent as object).constructor?.name)}`,
    );
  }
  if (agent.runtimeKind !== kind) {
    failAt(
      compute,
      `agent ${show(agent.agentName)} (${agent.node.path}) runs on ${agent.runtimeKind} ` +
        `(${FACTORY_OF_KIND[agent.runtimeKind] ?? agent.runtimeKind}), so its role cannot be assumed by ${computeName}; ` +
        `create the agent with runtime: ${factory}, or bind it to the compute its runtime names`,
    );
  }
}

/** Namespace, service account and (optional) cluster that an EKS Pod Identity agent's trust pins. */
export interface EksTrust {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly clusterName?: string;
}

/** Reads the pod identity conditions from the agent's synthesized trust policy (the truth, not props). */
export function eksTrustOf(agent: AgentIdentity): EksTrust {
  const cfn = agent.role.node.defaultChild as iam.CfnRole | undefined;
  const doc = Stack.of(agent).resolve(cfn?.assumeRolePolicyDocument) ?? {};
  for (const statement of doc.Statement ?? []) {
    const equals = statement.Condition?.StringEquals ?? {};
    const namespace = equals['aws:RequestTag/kubernetes-namespace'];
    const serviceAccount = equals['aws:RequestTag/kubernetes-service-account'];
    if (typeof namespace === 'string' && typeof serviceAccount === 'string') {
      const clusterName = equals['aws:RequestTag/eks-cluster-name'];
      return {
        namespace,
        serviceAccount,
        clusterName: typeof clusterName === 'string' ? clusterName : undefined,
      };
    }
  }
  return failAt(agent, 'the trust policy names no EKS Pod Identity namespace and service account');
}
