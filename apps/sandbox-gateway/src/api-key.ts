import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Whether an Authorization header carries `Bearer <apiKey>`, compared in constant time. */
export function hasApiKey(authorization: string | undefined, apiKey: string): boolean {
  const match = /^Bearer (.+)$/i.exec(authorization ?? '');
  // Hashing first gives equal lengths, so the comparison leaks neither content nor length.
  return match !== null && timingSafeEqual(digest(match[1]), digest(apiKey));
}
