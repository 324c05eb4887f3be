'use strict';
/**
 * SKELETON: the three calls to your provider's key API. Copy this folder into your app, replace
 * the bodies below, and deploy it with `SecretRotation.lambdaFunction(fn, { every })` (see
 * lib/secrets/README.md, "Rotating a third-party provider key"). Until then every call throws, so
 * a rotation with the unedited skeleton fails at createSecret and AWSCURRENT stays.
 *
 * The function needs what your provider needs: network egress to its API (a VPC with a NAT
 * gateway, or no VPC) and an admin credential that may create and revoke keys — keep that in its
 * own secret, read here with GetSecretValue, and grant the function read on it.
 */

/**
 * Creates a new key at the provider and returns `{ apiKey, keyId }`. Pass `versionId` as the
 * provider's idempotency key where it has one, so a retried createSecret does not issue a second key.
 */
async function createKey({ secretArn, versionId, current }) {
  void secretArn;
  void versionId;
  void current;
  throw new Error('provider-api-key skeleton: implement createKey in provider.js');
}

/** One cheap authenticated call with `key.apiKey` (e.g. list models); throw when it fails. */
async function testKey(key) {
  void key;
  throw new Error('provider-api-key skeleton: implement testKey in provider.js');
}

/** Revokes `key` (by `key.keyId`) at the provider; succeed when it is already revoked. */
async function revokeKey(key) {
  void key;
  throw new Error('provider-api-key skeleton: implement revokeKey in provider.js');
}

module.exports = { createKey, testKey, revokeKey };
