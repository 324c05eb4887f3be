'use strict';
/**
 * The Secrets Manager rotation protocol for an API key issued by a third-party provider (an LLM
 * provider, a SaaS API). The provider specifics live in a provider module (see provider.js); this
 * file holds what every such rotation shares, so a provider module is three small functions.
 *
 * The secret's value is JSON: `{ "apiKey": "...", "keyId": "..." }` (`keyId` is whatever the
 * provider needs to revoke the key later; optional).
 *
 *   createSecret  - ask the provider for a new key (idempotency key: the version id), store it
 *                   as AWSPENDING (once)
 *   setSecret     - nothing: a provider key is live from the moment the provider issues it
 *   testSecret    - one cheap authenticated call with the AWSPENDING key; throw if it fails
 *   finishSecret  - revoke the key that is about to fall out of AWSPREVIOUS (two versions old),
 *                   then move AWSCURRENT to the new version (Secrets Manager moves AWSPREVIOUS)
 *
 * Every step is idempotent (Secrets Manager may invoke a step more than once) and a failure
 * leaves AWSCURRENT untouched. Nothing secret is ever logged or put in an error message: log
 * lines carry the step, the secret ARN and version ids; provider errors are reported by name only.
 *
 * Shipped as plain CommonJS: the Lambda Node.js runtime provides @aws-sdk/client-secrets-manager.
 */
const {
  SecretsManagerClient,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} = require('@aws-sdk/client-secrets-manager');

const PENDING = 'AWSPENDING';
const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';

/** Structured log line; callers pass only non-secret fields. */
function log(message, fields) {
  console.log(JSON.stringify({ message, ...fields }));
}

function isNotFound(error) {
  return (
    Boolean(error) &&
    (error.name === 'ResourceNotFoundException' || error.Code === 'ResourceNotFoundException')
  );
}

/** Parses a stored value; never echoes it in an error. */
function parseKey(secretString, what) {
  let value;
  try {
    value = JSON.parse(secretString);
  } catch {
    throw new Error(`${what} is not JSON of the form {"apiKey": "...", "keyId": "..."}`);
  }
  if (!value || typeof value.apiKey !== 'string' || value.apiKey === '') {
    throw new Error(`${what} has no apiKey string`);
  }
  return value;
}

/** Calls the provider; its error is reported by name and status only (messages may echo keys). */
async function callProvider(name, fn, arn, token) {
  try {
    return await fn();
  } catch (error) {
    const status = error && (error.status || error.statusCode);
    // No `cause`: Lambda logs a thrown error with its cause, and a provider's message may echo a key.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(
      `provider ${name} failed for ${arn} version ${token}: ${(error && error.name) || 'Error'}` +
        (status ? ` (status ${status})` : ''),
    );
  }
}

/**
 * Builds the Lambda handler for `provider`, an object with
 *   createKey({ secretArn, versionId, current }) -> Promise<{ apiKey, keyId? }>
 *   testKey(key) -> Promise<void>          (throw when the key does not work)
 *   revokeKey(key) -> Promise<void>        (must succeed when the key is already revoked)
 * where `current` and `key` are parsed secret values.
 */
function createRotationHandler(provider, options = {}) {
  for (const fn of ['createKey', 'testKey', 'revokeKey']) {
    if (!provider || typeof provider[fn] !== 'function') {
      throw new Error(`the provider module must export a function ${fn}`);
    }
  }
  let client = options.client;
  const secretsManager = () => client || (client = new SecretsManagerClient({}));

  return async function handler(event) {
    const arn = event && event.SecretId;
    const token = event && event.ClientRequestToken;
    const step = event && event.Step;
    if (typeof arn !== 'string' || typeof token !== 'string' || typeof step !== 'string') {
      throw new Error('event must carry SecretId, ClientRequestToken and Step strings');
    }
    const sm = secretsManager();
    const metadata = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    if (!metadata.RotationEnabled) throw new Error(`secret ${arn} is not enabled for rotation`);
    const versions = metadata.VersionIdsToStages || {};
    const stages = versions[token];
    if (!stages) throw new Error(`version ${token} has no stage for rotation of secret ${arn}`);
    if (stages.includes(CURRENT)) {
      log('version is already AWSCURRENT; nothing to do', { step, arn, version: token });
      return;
    }
    if (!stages.includes(PENDING)) {
      throw new Error(`version ${token} is not staged AWSPENDING for rotation of secret ${arn}`);
    }
    switch (step) {
      case 'createSecret':
        return createSecret(sm, provider, arn, token, event.RotationToken);
      case 'setSecret':
        log('setSecret: nothing to set, the provider issued a live key', { arn, version: token });
        return;
      case 'testSecret':
        return testSecret(sm, provider, arn, token);
      case 'finishSecret':
        return finishSecret(sm, provider, arn, token, versions);
      default:
        throw new Error(`unknown rotation step ${JSON.stringify(step)}`);
    }
  };
}

async function createSecret(sm, provider, arn, token, rotationToken) {
  const current = await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: CURRENT }));
  try {
    await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: PENDING }));
    log('createSecret: AWSPENDING value already exists; keeping it', { arn, version: token });
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const currentKey = parseKey(current.SecretString, `AWSCURRENT of ${arn}`);
  const created = await callProvider(
    'createKey',
    () => provider.createKey({ secretArn: arn, versionId: token, current: currentKey }),
    arn,
    token,
  );
  const value = parseKey(JSON.stringify(created || {}), `the key createKey returned for ${arn}`);
  if (value.apiKey === currentKey.apiKey) {
    throw new Error(`createKey returned the AWSCURRENT key again for ${arn} version ${token}`);
  }
  const input = {
    SecretId: arn,
    ClientRequestToken: token,
    SecretString: JSON.stringify({ apiKey: value.apiKey, ...(value.keyId ? { keyId: value.keyId } : {}) }),
    VersionStages: [PENDING],
  };
  if (typeof rotationToken === 'string' && rotationToken !== '') input.RotationToken = rotationToken;
  await sm.send(new PutSecretValueCommand(input));
  log('createSecret: new provider key stored as AWSPENDING', { arn, version: token });
}

async function testSecret(sm, provider, arn, token) {
  const pending = await sm.send(
    new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: PENDING }),
  );
  const key = parseKey(pending.SecretString, `AWSPENDING version ${token} of ${arn}`);
  await callProvider('testKey', () => provider.testKey(key), arn, token);
  log('testSecret: the AWSPENDING key works at the provider', { arn, version: token });
}

async function finishSecret(sm, provider, arn, token, versions) {
  const current = Object.keys(versions).find((id) => versions[id].includes(CURRENT));
  const previous = Object.keys(versions).find(
    (id) => versions[id].includes(PREVIOUS) && id !== current && id !== token,
  );
  if (previous !== undefined) {
    // The key two versions old falls out of AWSPREVIOUS now: revoke it first, so a failure
    // leaves the stages as they were and Secrets Manager retries the whole step.
    const old = await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionId: previous }));
    const key = parseKey(old.SecretString, `AWSPREVIOUS version ${previous} of ${arn}`);
    await callProvider('revokeKey', () => provider.revokeKey(key), arn, token);
    log('finishSecret: revoked the key two versions old', { arn, version: token, revoked: previous });
  }
  const input = { SecretId: arn, VersionStage: CURRENT, MoveToVersionId: token };
  if (current !== undefined) input.RemoveFromVersionId = current;
  await sm.send(new UpdateSecretVersionStageCommand(input));
  log('finishSecret: AWSCURRENT moved to the new version', { arn, version: token, previous: current });
}

module.exports = { createRotationHandler };
