import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  AgentAuditTrail,
  AgentFleet,
  AgentFleetOptions,
  DataClassification,
  DataStore,
  DataTags,
} from '../../lib';
import { demoDataBucket } from '../_shared/demo-data-bucket';
import { addExampleChecks } from '../_shared/example-checks';
import { EXAMPLE_ENV } from '../_shared/example-env';

/** The tenants of the support platform (the `ai:tenant` tag of their tickets and agents). */
export const TENANTS = ['acme', 'globex', 'initech', 'umbrella'] as const;

/** The manifest: every agent of the platform, as data. */
export const MANIFEST = path.join(__dirname, 'agents.yaml');

/** The name of a tenant's ticket store in the manifest (`data: [{ store: <name>, ... }]`). */
export function storeName(tenant: string): string {
  return `${tenant}-tickets`;
}

/** The stacks of the example and the fleet spread over some of them. */
export interface AgentFleetExample {
  /** The tenants' ticket buckets. */
  readonly stores: Stack;
  /** The audit trail that records every agent of the fleet. */
  readonly audit: Stack;
  /** The fleet; its agents sit in `fleet.stacks`. */
  readonly fleet: AgentFleet;
  /** Every stack of the app: stores, the fleet's stacks, audit. */
  readonly stacks: Stack[];
}

/** Variations of the example app, for its test. */
export interface AgentFleetExampleOptions {
  /**
   * Manifest entries appended to agents.yaml's agents (the test adds one to show that no other
   * agent moves).
   * @default - none
   */
  readonly extraAgents?: unknown[];
}

/**
 * A support platform run by one platform team: each of four tenants has a ticket bucket, and 128
 * agents (30 triage agents and 2 curators per tenant) are defined as data in agents.yaml. The
 * fleet spreads them over two stacks; in each, the agents of a tenant granted alike share one
 * managed policy, so the stack stays at about one IAM resource per agent.
 */
export function buildApp(app: App, options: AgentFleetExampleOptions = {}): AgentFleetExample {
  const extraAgents = options.extraAgents ?? [];
  const stores = new Stack(app, 'AgentFleetStores', { env: EXAMPLE_ENV });
  const buckets: Record<string, s3.Bucket> = {};
  for (const tenant of TENANTS) {
    buckets[storeName(tenant)] = ticketBucket(new Construct(stores, `Tenant-${tenant}`), tenant);
  }
  const storeMap = Object.fromEntries(
    Object.entries(buckets).map(([name, bucket]) => [name, DataStore.s3Bucket(bucket)]),
  );

  // The trail names every agent role, so it sits in a stack of its own that the fleet does not
  // depend on (the fleet's stacks depend on the stores, the audit stack on the fleet's stacks).
  const audit = new Stack(app, 'AgentFleetAudit', { env: EXAMPLE_ENV });
  const trail = new AgentAuditTrail(audit, 'Audit', { retention: Duration.days(400) });

  const fleetOptions: AgentFleetOptions = { env: EXAMPLE_ENV, stores: storeMap, auditTrail: trail };
  let fleet: AgentFleet;
  if (extraAgents.length === 0) {
    fleet = AgentFleet.fromManifest(app, 'Fleet', MANIFEST, fleetOptions);
  } else {
    const manifest = AgentFleet.readManifest(MANIFEST);
    fleet = AgentFleet.fromObject(
      app,
      'Fleet',
      { ...manifest, agents: [...manifest.agents, ...extraAgents] },
      fleetOptions,
    );
  }
  return { stores, audit, fleet, stacks: [stores, ...fleet.stacks, audit] };
}

/** A tenant's support tickets: its own bucket and key, tagged with its tenant. */
function ticketBucket(scope: Construct, tenant: string): s3.Bucket {
  const bucket = demoDataBucket(scope, 'Tickets', `the support tickets of tenant ${tenant}`);
  DataTags.of(bucket).apply({ tenant, classification: DataClassification.INTERNAL });
  return bucket;
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  addExampleChecks(app);
  app.synth();
}
