import { NestedStack, Stack } from 'aws-cdk-lib';

/**
 * How the checks and the entitlement report name a stack: its stack name, or for a nested stack
 * (whose CloudFormation name is only known at deploy time) `<parent's display name>/<construct id>`.
 */
export function stackDisplayName(stack: Stack): string {
  const parent = stack.nested ? stack.nestedStackParent : undefined;
  return parent ? `${stackDisplayName(parent)}/${stack.node.id}` : stack.stackName;
}

/**
 * For a nested stack: the display name of its parent and the logical id of its
 * `AWS::CloudFormation::Stack` resource there; undefined for a top-level stack.
 */
export function nestedStackLink(
  stack: Stack,
): { readonly stackName: string; readonly logicalId: string } | undefined {
  const resource = stack.nested ? (stack as NestedStack).nestedStackResource : undefined;
  const parent = stack.nestedStackParent;
  if (!resource || !parent) return undefined;
  return { stackName: stackDisplayName(parent), logicalId: parent.resolve(resource.logicalId) };
}
