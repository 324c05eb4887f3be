import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AgentIdentity, AgentRuntime, DataClassification, DataTags } from '../../lib';
import {
  AgentEntitlementRecord,
  EntitlementReportJson,
  buildEntitlementReport,
} from '../../lib/report/report-format';
import { ENV, check } from '../checks/fixtures';

/** An app with a tenant agent `acme-triage` (tenant acme) and a bucket of tenant globex, in stack Agents. */
export function tenantApp(): { app: App; stack: Stack; agent: AgentIdentity; globexBucket: s3.Bucket } {
  const app = new App();
  const stack = new Stack(app, 'Agents', { env: ENV });
  const agent = new AgentIdentity(stack, 'Triage', {
    agentName: 'acme-triage',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    owner: 'team@example.com',
  });
  const globexBucket = new s3.Bucket(stack, 'GlobexData', { enforceSSL: true });
  DataTags.of(globexBucket).apply({ tenant: 'globex', classification: DataClassification.INTERNAL });
  return { app, stack, agent, globexBucket };
}

/** Synthesizes the app and builds the entitlement report from its templates. */
export function reportOf(app: App): EntitlementReportJson {
  const assembly = app.synth();
  return buildEntitlementReport(
    assembly.stacks.map((s) => ({ stackName: s.stackName, template: s.template })),
  );
}

/** The report record of one agent. */
export function agentRecord(report: EntitlementReportJson, agentName: string): AgentEntitlementRecord {
  const found = report.agents.find((a) => a.agentName === agentName);
  if (!found) throw new Error(`no agent ${agentName} in the report`);
  return found;
}

/** Every action the report lists for an agent from its identity policies, wherever it is filed. */
export function identityActions(record: AgentEntitlementRecord): string[] {
  return [
    ...record.dataStores.flatMap((d) => d.actions),
    ...record.models.flatMap((m) => m.actions),
    ...record.secrets.flatMap((s) => s.actions),
    ...record.otherPermissions.flatMap((g) => g.actions),
  ].sort();
}

/** The finding ids (`Rule[finding]`) of the pack on an app. */
export function findingIdsOf(app: App): string[] {
  return check(app)
    .violations.map((v) => v.ruleName)
    .sort();
}
