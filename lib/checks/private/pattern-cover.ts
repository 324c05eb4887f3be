/**
 * Whether every string an IAM pattern `inner` can match is also matched by pattern `outer`
 * (`*` any run of characters, `?` one character). Used to decide whether a Deny's resource
 * covers an Allow's resource. A `*` in `inner` is covered only by a `*` in `outer`; a `?` in
 * `inner` by a `?` or a `*`. Flattened intrinsics (`<Bucket.Arn>`) are literal text on both sides.
 */
export function patternCovers(outer: string, inner: string): boolean {
  if (outer === '*') return true;
  const STAR = '\u0000';
  const ONE = '\u0001';
  const body = outer
    .split('')
    .map((ch) => {
      if (ch === '*') return '[\\s\\S]*';
      if (ch === '?') return `[^${STAR}]`;
      return ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  const subject = inner.replace(/\*/g, STAR).replace(/\?/g, ONE);
  return new RegExp(`^${body}$`, 'i').test(subject);
}
