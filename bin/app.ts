#!/usr/bin/env node
/**
 * Reference app: a small multi-tenant agent platform that `npx cdk synth` synthesizes offline.
 * Synth runs AwsSolutions, NIST 800-53 R5 and AgentIdentityChecks (it fails on any unacknowledged
 * error) and writes agent-entitlements.json / .md into the cloud assembly.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { AgentEntitlementReport, AgentIdentityChecks, SynthSummary } from '../lib';
import { ReferenceStack } from './reference-stack';

const app = new App();
new ReferenceStack(app, 'AgentPlatform', {
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111',
    region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
  },
});
Validations.of(app).addPlugins(
  ...SynthSummary.around(app, [
    new AwsSolutionsChecks(app),
    new NIST80053R5Checks(app),
    new AgentIdentityChecks(app, { requireGuardrail: true }),
    new AgentEntitlementReport(app),
  ]),
);
app.synth();
