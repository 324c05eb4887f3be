import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { ARN, FakeSecretsManager, STEPS } from './fake-secrets-manager';

type Handler = (event: Record<string, string>) => Promise<void>;
interface Key {
  apiKey: string;
  keyId?: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createRotationHandler } = require('../../lib/secrets/handlers/provider-api-key/rotation.js') as {
  createRotationHandler: (provider: object, options?: object) => Handler;
};

const ORIGINAL: Key = { apiKey: 'sk-original-0000', keyId: 'key-0' };

/** A provider that issues, checks and revokes keys in memory, like a provider's key API would. */
class FakeProvider {
  public readonly live = new Map<string, string>([[ORIGINAL.keyId!, ORIGINAL.apiKey]]);
  public readonly revoked: string[] = [];
  public readonly issuedFor: string[] = [];
  public fail?: { method: string; error: Error };
  private next = 1;

  public createKey = jest.fn(async ({ versionId }: { versionId: string }) => {
    this.maybeFail('createKey');
    this.issuedFor.push(versionId);
    const keyId = `key-${this.next++}`;
    const apiKey = `sk-${keyId}-${'x'.repeat(8)}`;
    this.live.set(keyId, apiKey);
    return { apiKey, keyId };
  });

  public testKey = jest.fn(async (key: Key) => {
    this.maybeFail('testKey');
    if (![...this.live.values()].includes(key.apiKey))
      throw Object.assign(new Error(`bad key ${key.apiKey}`), { status: 401 });
  });

  public revokeKey = jest.fn(async (key: Key) => {
    this.maybeFail('revokeKey');
    this.live.delete(key.keyId!);
    if (!this.revoked.includes(key.keyId!)) this.revoked.push(key.keyId!);
  });

  private maybeFail(method: string): void {
    if (this.fail?.method === method) throw this.fail.error;
  }
}

let sm: FakeSecretsManager;
let provider: FakeProvider;
let handler: Handler;
let logs: string[];

beforeEach(() => {
  sm = new FakeSecretsManager(JSON.stringify(ORIGINAL));
  provider = new FakeProvider();
  handler = createRotationHandler(provider);
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line));
});
afterEach(() => {
  sm.mock.restore();
  jest.restoreAllMocks();
});

const event = (step: string, token: string) => ({ SecretId: ARN, ClientRequestToken: token, Step: step });

async function rotate(): Promise<string> {
  const token = sm.startRotation();
  for (const step of STEPS) await handler(event(step, token));
  return token;
}

const current = (): Key => JSON.parse(sm.valueOf('AWSCURRENT')!);
const previous = (): Key => JSON.parse(sm.valueOf('AWSPREVIOUS')!);

describe('provider API key rotation (skeleton protocol, mocked provider)', () => {
  test('the four steps issue a new key at the provider, test it, and make it AWSCURRENT', async () => {
    const token = await rotate();
    expect(current().keyId).toBe('key-1');
    expect(previous()).toEqual(ORIGINAL);
    expect(provider.issuedFor).toEqual([token]); // the version id is the provider's idempotency key
    expect(provider.testKey).toHaveBeenCalledWith(current());
    expect(provider.revoked).toEqual([]); // the previous key stays valid for callers that hold it
  });

  test('the second rotation revokes the key that falls out of AWSPREVIOUS (two versions old), and only it', async () => {
    await rotate();
    await rotate();
    expect(current().keyId).toBe('key-2');
    expect(previous().keyId).toBe('key-1');
    expect(provider.revoked).toEqual(['key-0']);
    expect([...provider.live.keys()].sort()).toEqual(['key-1', 'key-2']);
  });

  test.each(STEPS.map((s) => [s]))('re-invoking %s issues, stores or revokes nothing twice', async (step) => {
    await rotate();
    const token = sm.startRotation();
    for (const s of STEPS) {
      await handler(event(s, token));
      if (s === step) await handler(event(s, token));
    }
    expect(provider.createKey).toHaveBeenCalledTimes(2);
    expect(provider.revoked).toEqual(['key-0']);
    expect(sm.mock.commandCalls(PutSecretValueCommand)).toHaveLength(2);
  });

  test('a key that fails its test never becomes AWSCURRENT', async () => {
    provider.fail = { method: 'testKey', error: Object.assign(new Error('unauthorized'), { status: 401 }) };
    const token = sm.startRotation();
    await handler(event('createSecret', token));
    await handler(event('setSecret', token));
    await expect(handler(event('testSecret', token))).rejects.toThrow(
      `provider testKey failed for ${ARN} version ${token}: Error (status 401)`,
    );
    expect(current()).toEqual(ORIGINAL);
  });

  test('a failed revocation leaves the stages as they were, and the retried step completes', async () => {
    await rotate();
    provider.fail = { method: 'revokeKey', error: new Error('503') };
    const token = sm.startRotation();
    for (const s of STEPS.slice(0, 3)) await handler(event(s, token));
    await expect(handler(event('finishSecret', token))).rejects.toThrow(/provider revokeKey failed/);
    expect(current().keyId).toBe('key-1');
    provider.fail = undefined;
    await handler(event('finishSecret', token));
    expect(current().keyId).toBe('key-2');
    expect(provider.revoked).toEqual(['key-0']);
  });

  test('a provider that hands back the current key is refused', async () => {
    provider.createKey.mockResolvedValueOnce({ apiKey: ORIGINAL.apiKey, keyId: 'key-0' });
    const token = sm.startRotation();
    await expect(handler(event('createSecret', token))).rejects.toThrow(/returned the AWSCURRENT key again/);
    expect(sm.mock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  test('the unedited skeleton fails at createSecret and AWSCURRENT stays', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const skeleton = require('../../lib/secrets/handlers/provider-api-key/index.js') as { handler: Handler };
    const token = sm.startRotation();
    await expect(skeleton.handler(event('createSecret', token))).rejects.toThrow(
      /provider createKey failed .*: Error$/,
    );
    expect(current()).toEqual(ORIGINAL);
  });

  test('a provider module without the three functions is refused when the handler is built', () => {
    expect(() => createRotationHandler({ createKey: async () => ({}) })).toThrow(
      /must export a function testKey/,
    );
  });

  test('no key is ever logged or put in an error message, even when the provider echoes one', async () => {
    await rotate();
    provider.fail = { method: 'testKey', error: new Error(`invalid key ${current().apiKey}`) };
    const token = sm.startRotation();
    await handler(event('createSecret', token));
    const error = await handler(event('testSecret', token)).catch((e: Error) => e);
    const text = [...logs, String(error)].join('\n');
    for (const key of [ORIGINAL.apiKey, ...[...provider.live.values()]]) expect(text).not.toContain(key);
    expect(sm.mock.commandCalls(GetSecretValueCommand).length).toBeGreaterThan(0);
  });
});
