import * as fs from 'fs';
import * as path from 'path';

/**
 * The jsii assembly is what Python, Java, .NET and Go users get. `npm test` runs
 * `jsii --fail-on-warnings` before jest, so `.jsii` is the assembly of this very tree; these tests
 * check that the public surface is the designed one: nothing from a `private/` folder, nothing
 * exported to TypeScript that silently drops out for the other languages.
 */

const ROOT = path.join(__dirname, '..', '..');
const ASSEMBLY = path.join(ROOT, '.jsii');

interface AssemblyType {
  readonly fqn: string;
  readonly name: string;
  readonly kind: string;
  readonly locationInModule?: { readonly filename: string };
}

function assembly(): { targets: Record<string, unknown>; types: Record<string, AssemblyType> } {
  if (!fs.existsSync(ASSEMBLY)) {
    throw new Error('no .jsii assembly: run `npm run jsii` first (npm test does)');
  }
  return JSON.parse(fs.readFileSync(ASSEMBLY, 'utf8'));
}

/** Folders whose index must export only what the assembly carries. */
const FOLDERS = [
  'audit',
  'checks',
  'compute',
  'credentials',
  'data',
  'fleet',
  'identity',
  'models',
  'operations',
  'report',
  'secrets',
  'shared',
  'tools',
];

describe('the jsii assembly', () => {
  test('names the four target languages', () => {
    expect(Object.keys(assembly().targets).sort()).toEqual(['dotnet', 'go', 'java', 'js', 'python']);
  });

  test('carries no type from a private/ folder', () => {
    const leaked = Object.values(assembly().types)
      .filter((t) => t.locationInModule?.filename.split('/').includes('private'))
      .map((t) => `${t.name} (${t.locationInModule!.filename})`);
    expect(leaked).toEqual([]);
  });

  test('carries the designed public classes', () => {
    const names = new Set(Object.values(assembly().types).map((t) => t.name));
    for (const name of [
      'AgentIdentity',
      'AgentRuntime',
      'AgentBoundary',
      'DataClassification',
      'DataClassificationLadder',
      'PermissionsGuardrails',
      'DataStore',
      'DataAccess',
      'DataTags',
      'BedrockModel',
      'GuardrailPin',
      'AgentSecret',
      'SecretRotation',
      'AgentAuditTrail',
      'AgentIdentityChecks',
      'ModelInvocationLogging',
      'AgentOrganizationPolicies',
      'IAnomalyDetectionHost',
    ]) {
      expect(names).toContain(name);
    }
    for (const internal of [
      'AgentAccessPolicy',
      'MeasuredGrants',
      'PermissionsGuardrail',
      'ToolInputSchema',
    ]) {
      expect(names).not.toContain(internal);
    }
  });

  test.each(FOLDERS)(
    'lib/%s exports nothing that drops out of the assembly (free functions, constants)',
    (folder) => {
      // GIVEN every value the folder index exports to TypeScript users
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = Object.keys(require(path.join(ROOT, 'lib', folder)));
      // THEN each is a class or enum of the assembly (interfaces have no runtime value)
      const names = new Set(Object.values(assembly().types).map((t) => t.name));
      expect(exported.filter((name) => !names.has(name))).toEqual([]);
    },
  );
});
