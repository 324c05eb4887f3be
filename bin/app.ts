#!/usr/bin/env node
/**
 * Reference app: a small multi-tenant agent platform that `npx cdk synth` synthesizes offline.
 * It shows the library end to end and is what CI gates on.
 */
import { App } from 'aws-cdk-lib';
import { ReferenceStack } from './reference-stack';

const app = new App();
new ReferenceStack(app, 'AgentPlatform', {
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111',
    region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
  },
});
app.synth();
