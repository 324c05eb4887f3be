import * as fs from 'fs';
import * as path from 'path';

/**
 * The report, fleet and CLI parts of the jsii assembly (see jsii-assembly.test.ts for the rest):
 * what users of the other languages get is the designed surface, the report's file-format types
 * (with `null`) stay TypeScript-only, and the CLI's folders are not reachable at all.
 */

const ROOT = path.join(__dirname, '..', '..');
const ASSEMBLY = path.join(ROOT, '.jsii');

interface AssemblyType {
  readonly name: string;
  readonly kind: string;
  readonly methods?: { readonly name: string; readonly static?: boolean }[];
  readonly properties?: { readonly name: string; readonly static?: boolean }[];
  readonly locationInModule?: { readonly filename: string };
}

function types(): AssemblyType[] {
  if (!fs.existsSync(ASSEMBLY))
    throw new Error('no .jsii assembly: run `npm run jsii` first (npm test does)');
  return Object.values(JSON.parse(fs.readFileSync(ASSEMBLY, 'utf8')).types);
}

function typeNamed(name: string): AssemblyType {
  const found = types().find((t) => t.name === name);
  if (!found) throw new Error(`${name} is not in the assembly`);
  return found;
}

const staticMethods = (t: AssemblyType) => (t.methods ?? []).filter((m) => m.static).map((m) => m.name);

describe('the jsii assembly: report, fleet and CLI', () => {
  test.each(['report', 'fleet'])('lib/%s exports nothing that drops out of the assembly', (folder) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = Object.keys(require(path.join(ROOT, 'lib', folder)));
    const names = new Set(types().map((t) => t.name));
    expect(exported.length).toBeGreaterThan(0);
    expect(exported.filter((name) => !names.has(name))).toEqual([]);
  });

  test('the report free functions are statics of EntitlementReport', () => {
    expect(staticMethods(typeNamed('EntitlementReport')).sort()).toEqual([
      'collectAcknowledgements',
      'diff',
      'formatDiff',
      'fromFile',
      'fromTemplates',
      'parse',
    ]);
    expect(typeNamed('AgentEntitlementReport').properties?.map((p) => p.name)).toContain('report');
  });

  test('the manifest free functions are statics of AgentFleet', () => {
    expect(staticMethods(typeNamed('AgentFleet'))).toEqual(
      expect.arrayContaining(['readManifest', 'parseManifest', 'validateManifest', 'shardOf']),
    );
  });

  test('the file-format types, the Error subclasses and the CLI stay out of the assembly', () => {
    const all = types();
    const names = new Set(all.map((t) => t.name));
    for (const internal of [
      'EntitlementReportJson',
      'AgentEntitlementRecord',
      'GuardrailPinEntitlement',
      'EntitlementReportError',
      'ManifestError',
      'MissingPermissionsError',
      'ReviewExitCode',
      'RevokeExitCode',
    ]) {
      expect(names).not.toContain(internal);
    }
    const files = all.map((t) => t.locationInModule?.filename ?? '');
    expect(files.filter((f) => /^(bin\/|lib\/review\/)|report-format|revoke-(cli|agents)/.test(f))).toEqual(
      [],
    );
  });
});
