import { App, Stack } from 'aws-cdk-lib';

/** A fresh app and stack for one test, with a fixed environment. */
export function newStack(id = 'TestStack'): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, id, { env: { account: '111111111111', region: 'us-east-1' } });
  return { app, stack };
}
