#!/usr/bin/env node
/**
 * Reference app: a small multi-tenant agent platform that `npx cdk synth` synthesizes offline.
 * Every synth writes agent-entitlements.json / .md into the cloud assembly.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AgentEntitlementReport } from '../lib';
import { ReferenceStack } from './reference-stack';

const app = new App();
new ReferenceStack(app, 'AgentPlatform', {
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111',
    region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
  },
});
Validations.of(app).addPlugins(new AgentEntitlementReport(app));
app.synth();
