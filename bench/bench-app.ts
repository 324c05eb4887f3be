/**
 * Builds the benchmark app: N agents, each with a Lambda runtime, a tenant, two bucket grants,
 * one table grant and one model — through the library, or the equivalent with plain aws-cdk-lib.
 * Agents are spread over stacks of AGENTS_PER_STACK so neither variant hits the 500-resource limit.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { ReferenceStack } from '../bin/reference-stack';
import {
  AgentIdentity,
  AgentIdentityChecks,
  AgentRuntime,
  BedrockModel,
  DataAccess,
  DataClassification,
  DataStore,
  DataTags,
} from '../lib';

export type BenchMode = 'library' | 'plain' | 'reference';

export const AGENTS_PER_STACK = 200;
const TENANTS_PER_STACK = 10;
const MODEL_ID = 'anthropic.claude-3-5-haiku-20241022-v1:0';

export interface BenchOptions {
  readonly mode: BenchMode;
  readonly agents: number;
  readonly checks: boolean;
  readonly outdir: string;
}

/** Builds and synthesizes the app; returns the app for inspection. */
export function buildBenchApp(options: BenchOptions): App {
  const app = new App({ outdir: options.outdir });
  if (options.mode === 'reference') return referenceApp(app, options.checks);
  const stacks = Math.ceil(options.agents / AGENTS_PER_STACK);
  for (let s = 0; s < stacks; s++) {
    const stack = new Stack(app, `Bench${s}`, { env: { account: '111111111111', region: 'us-east-1' } });
    const stores = tenantStores(stack);
    const count = Math.min(AGENTS_PER_STACK, options.agents - s * AGENTS_PER_STACK);
    for (let i = 0; i < count; i++) {
      const n = s * AGENTS_PER_STACK + i;
      const t = stores[i % TENANTS_PER_STACK];
      if (options.mode === 'library') libraryAgent(stack, n, t);
      else plainAgent(stack, n, t);
    }
  }
  if (options.checks) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    if (options.mode === 'library') Validations.of(app).addPlugins(new AgentIdentityChecks(app));
  }
  return app;
}

/** The reference app of bin/, with or without the three packs it runs in CI. */
function referenceApp(app: App, checks: boolean): App {
  new ReferenceStack(app, 'AgentPlatform', { env: { account: '111111111111', region: 'us-east-1' } });
  if (checks) {
    Validations.of(app).addPlugins(
      new AwsSolutionsChecks(app),
      new NIST80053R5Checks(app),
      new AgentIdentityChecks(app, { requireGuardrail: true }),
    );
  }
  return app;
}

interface TenantStores {
  readonly tenant: string;
  readonly inbox: s3.Bucket;
  readonly archive: s3.Bucket;
  readonly table: dynamodb.Table;
}

function tenantStores(stack: Stack): TenantStores[] {
  const out: TenantStores[] = [];
  for (let t = 0; t < TENANTS_PER_STACK; t++) {
    const tenant = `tenant-${t}`;
    const inbox = new s3.Bucket(stack, `Inbox${t}`);
    const archive = new s3.Bucket(stack, `Archive${t}`);
    const table = new dynamodb.Table(stack, `Table${t}`, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    for (const store of [inbox, archive, table]) {
      DataTags.of(store).apply({ tenant, classification: DataClassification.INTERNAL });
    }
    out.push({ tenant, inbox, archive, table });
  }
  return out;
}

function libraryAgent(stack: Stack, n: number, t: TenantStores): void {
  const agent = new AgentIdentity(stack, `Agent${n}`, {
    agentName: `agent-${n}`,
    runtime: AgentRuntime.lambdaFunction(),
    tenant: t.tenant,
    owner: 'platform@example.com',
  });
  agent.grantData(DataStore.s3Bucket(t.inbox, { prefix: 'inbox/' }), DataAccess.READ);
  agent.grantData(DataStore.s3Bucket(t.archive), DataAccess.READ);
  agent.grantData(DataStore.dynamoDbTable(t.table, { tenantPartitioned: true }), DataAccess.READ_WRITE);
  agent.grantModels([BedrockModel.foundationModel(MODEL_ID)]);
}

function plainAgent(stack: Stack, n: number, t: TenantStores): void {
  const role = new iam.Role(stack, `Agent${n}`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  t.inbox.grantRead(role, 'inbox/*');
  t.archive.grantRead(role);
  t.table.grantReadWriteData(role);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      resources: [
        stack.formatArn({
          service: 'bedrock',
          account: '',
          resource: 'foundation-model',
          resourceName: MODEL_ID,
        }),
      ],
    }),
  );
}
