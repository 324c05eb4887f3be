import { Environment } from 'aws-cdk-lib';

/** The fixed environment every example synthesizes into (no lookups, no credentials). */
export const EXAMPLE_ENV: Environment = { account: '111111111111', region: 'us-east-1' };
