import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { failAt, show } from '../../shared/errors';

const OPENID_SUFFIX = '/.well-known/openid-configuration';
/** A scope, audience or client id: printable, no spaces, no wildcards. */
const LIST_ITEM = /^[\x21-\x7e]{1,255}$/;

/**
 * Checks an OIDC discovery URL: HTTPS, a host, ending in `/.well-known/openid-configuration`
 * (what AgentCore requires). Tokens are accepted as they are. Returns the issuer it implies.
 */
export function validateDiscoveryUrl(scope: IConstruct, prop: string, url: string): string | undefined {
  if (typeof url !== 'string' || url.length === 0) {
    failAt(scope, `${prop} ${show(url)} is required: the HTTPS OpenID discovery URL of the token issuer`);
  }
  if (Token.isUnresolved(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    failAt(scope, `${prop} ${show(url)} is not a URL; use e.g. 'https://idp.example.com${OPENID_SUFFIX}'`);
  }
  if (parsed.protocol !== 'https:') {
    failAt(
      scope,
      `${prop} ${show(url)} must use https; keys fetched over plain http can be swapped and any token accepted`,
    );
  }
  if (!url.endsWith(OPENID_SUFFIX) || parsed.search !== '' || parsed.hash !== '' || /[*?]/.test(url)) {
    failAt(
      scope,
      `${prop} ${show(url)} must be the issuer's discovery document, ending in '${OPENID_SUFFIX}' without query or wildcard`,
    );
  }
  return url.slice(0, -OPENID_SUFFIX.length);
}

/**
 * Checks an allow list: when given, non-empty, each entry a literal without spaces or wildcards,
 * no duplicates. Returns the list (or undefined when not given).
 */
export function validateAllowList(
  scope: IConstruct,
  prop: string,
  list: string[] | undefined,
): string[] | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.length === 0) {
    failAt(
      scope,
      `${prop} ${show(list)} is empty; an empty allow list is read as "no restriction" — name the allowed values or leave the property out`,
    );
  }
  for (const item of list) {
    if (typeof item !== 'string' || Token.isUnresolved(item)) continue;
    if (!LIST_ITEM.test(item) || /[*?]/.test(item)) {
      failAt(
        scope,
        `${prop} entry ${show(item)} must be 1-255 printable characters without spaces or wildcards`,
      );
    }
  }
  if (new Set(list).size !== list.length) failAt(scope, `${prop} ${show(list)} repeats an entry`);
  return [...list];
}

/** Checks a stated reason: a sentence, at least 20 characters. */
export function validateReason(scope: IConstruct, prop: string, reason: string | undefined): string {
  if (typeof reason !== 'string' || Token.isUnresolved(reason) || reason.trim().length < 20) {
    failAt(
      scope,
      `${prop} ${show(reason)} must be a literal sentence of at least 20 characters saying why; it is shown in the evidence report`,
    );
  }
  return reason.trim();
}
