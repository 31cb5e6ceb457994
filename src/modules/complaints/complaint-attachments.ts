import type { Validator } from '../../core/validate';
import { ErrorCode } from '../../core/errors';
import type { ComplaintAttachment } from './complaint.type';

export const MAX_ATTACHMENTS = 10;
const MAX_URL_LENGTH = 2000;
/** What a storefront shows inline without risk: photos, a PDF (a delivery note), a short video. */
export const ATTACHMENT_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf', 'video/mp4']);

/**
 * Checks attachments (links to files stored elsewhere: Zoco keeps no uploads): at most 10, each an https
 * URL with a host, bounded in length before it is parsed, and a whitelisted content type.
 */
export function checkAttachments(v: Validator, field: string, list: readonly ComplaintAttachment[] | null | undefined): ComplaintAttachment[] {
  const attachments = list ?? [];
  if (attachments.length > MAX_ATTACHMENTS) {
    v.check(false, field, `${field} holds at most ${MAX_ATTACHMENTS} attachments.`, ErrorCode.LIMIT_EXCEEDED);
    return [];
  }
  for (const [i, a] of attachments.entries()) {
    const at = `${field}.${i}`;
    if (a.url.length > MAX_URL_LENGTH) {
      v.check(false, `${at}.url`, `url is too long (maximum ${MAX_URL_LENGTH} characters).`, ErrorCode.TOO_LONG);
      continue;
    }
    let url: URL | null = null;
    try {
      url = new URL(a.url);
    } catch {
      url = null;
    }
    v.check(url?.protocol === 'https:' && url.hostname !== '' && !url.username && !url.password, `${at}.url`, 'url must be an https URL.');
    v.check(ATTACHMENT_TYPES.has(a.contentType), `${at}.contentType`, `contentType must be one of ${[...ATTACHMENT_TYPES].join(', ')}.`);
  }
  return attachments.map((a) => ({ url: a.url, contentType: a.contentType }));
}
