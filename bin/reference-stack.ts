import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AgentIdentity, AgentRuntime, DataClassification } from '../lib';

/** The reference platform: two tenants' agents and an orchestrator that delegates one record. */
export class ReferenceStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    new AgentIdentity(this, 'AcmeTriage', {
      agentName: 'acme-email-triage',
      runtime: AgentRuntime.lambda(),
      tenant: 'acme',
      clearance: DataClassification.CONFIDENTIAL,
      owner: 'support-platform@example.com',
    });

    new AgentIdentity(this, 'GlobexTriage', {
      agentName: 'globex-email-triage',
      runtime: AgentRuntime.lambda(),
      tenant: 'globex',
      clearance: DataClassification.INTERNAL,
      owner: 'support-platform@example.com',
    });

    const orchestrator = new AgentIdentity(this, 'ComplaintOrchestrator', {
      agentName: 'complaint-orchestrator',
      runtime: AgentRuntime.agentCoreRuntime(),
      tenant: 'acme',
      owner: 'crm-platform@example.com',
    });
    new AgentIdentity(this, 'CrmWriter', {
      agentName: 'crm-record-writer',
      runtime: AgentRuntime.delegatedFrom(orchestrator, { sessionTags: ['ai:record'] }),
      tenant: 'acme',
      owner: 'crm-platform@example.com',
    });
  }
}
