import { ErrorCode } from '../../core/errors';
import type { Validator } from '../../core/validate';
import { MAX_BODY, MAX_PHOTO_URL, MAX_PHOTOS, MAX_TITLE } from './review.inputs';

export interface ReviewContent {
  rating?: number | undefined;
  title?: string | undefined;
  body?: string | undefined;
  photos?: string[] | undefined;
}

/** Photos are links the storefront shows: https only, so no page mixes in insecure or script content. */
function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.length > 0 && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** The bounds of a review's content; `required` for a new review, not for an edit. Lengths first. */
export function checkReviewContent(v: Validator, input: ReviewContent, required: boolean): void {
  if (input.rating != null || required) {
    v.check(input.rating != null && Number.isInteger(input.rating) && input.rating >= 1 && input.rating <= 5, 'rating', 'rating must be a whole number from 1 to 5.');
  }
  v.text('title', input.title, { required, max: MAX_TITLE });
  v.text('body', input.body, { required, max: MAX_BODY, multiline: true });
  if (input.photos) {
    if (input.photos.length > MAX_PHOTOS) v.check(false, 'photos', `At most ${MAX_PHOTOS} photos.`, ErrorCode.TOO_LONG);
    else {
      input.photos.forEach((url, i) => {
        if (url.length > MAX_PHOTO_URL) v.check(false, `photos.${i}`, `A photo URL has at most ${MAX_PHOTO_URL} characters.`, ErrorCode.TOO_LONG);
        else v.check(isHttpsUrl(url), `photos.${i}`, 'A photo must be an https URL.');
      });
    }
  }
}
