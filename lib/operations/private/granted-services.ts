import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The IAM service namespaces named by the Allow statements of every identity policy CloudFormation
 * will give `role`: its inline policies, `AWS::IAM::Policy` resources naming it, and customer managed
 * policies of its stack attached to it. Read at synth, so grants made after the agent was recorded
 * count. An Allow of `*` or a `NotAction` Allow yields `['*']` (every service is granted).
 */
export function grantedServiceNamespaces(role: iam.IRole): string[] {
  const stack = Stack.of(role);
  const cfnRole = role.node.defaultChild;
  if (!(cfnRole instanceof iam.CfnRole)) return ['*'];
  const roleRef = JSON.stringify(stack.resolve(cfnRole.ref));
  const attached = JSON.stringify(stack.resolve(cfnRole.managedPolicyArns) ?? []);
  const documents: Json[] = [];
  for (const p of stack.resolve(cfnRole.policies) ?? []) documents.push(p.policyDocument ?? p.PolicyDocument);
  for (const c of stack.node.findAll()) {
    if (c instanceof iam.CfnPolicy && JSON.stringify(stack.resolve(c.roles) ?? []).includes(roleRef)) {
      documents.push(stack.resolve(c.policyDocument));
    }
    if (c instanceof iam.CfnManagedPolicy) {
      const ref = JSON.stringify(stack.resolve(c.ref));
      if (attached.includes(ref) || JSON.stringify(stack.resolve(c.roles) ?? []).includes(roleRef)) {
        documents.push(stack.resolve(c.policyDocument));
      }
    }
  }
  const namespaces = new Set<string>();
  for (const doc of documents) {
    for (const s of [doc?.Statement ?? []].flat()) {
      if (s.Effect !== 'Allow') continue;
      if (s.NotAction !== undefined) return ['*'];
      for (const action of [s.Action ?? []].flat()) {
        if (typeof action !== 'string') continue;
        if (action === '*') return ['*'];
        namespaces.add(action.split(':')[0].toLowerCase());
      }
    }
  }
  return [...namespaces].sort();
}
