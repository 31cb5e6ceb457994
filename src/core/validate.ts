import { isCountryCode } from './country';
import { MAX_EMAIL_LENGTH, isEmailAddress } from './email';
import { ErrorCode } from './errors';
import { UserErrors, userError, type UserError } from './user-error';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

/** Index of the first C0 (U+0000–U+001F), DEL or C1 (U+0080–U+009F) character, or -1; tab, LF and CR pass in multiline text. */
export function controlCharacterAt(value: string, multiline = false): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x20 && (c < 0x7f || c > 0x9f)) continue;
    if (multiline && (c === TAB || c === LF || c === CR)) continue;
    return i;
  }
  return -1;
}

const codePoint = (value: string, at: number) => `U+${value.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')}`;

/** Collects field problems of one input and throws them together. */
export class Validator {
  readonly errors: UserError[] = [];

  private add(field: string, message: string, code: ErrorCode): void {
    this.errors.push(userError(['input', ...field.split('.')], message, code));
  }

  /**
   * Free text: length first, then no control characters (C0, DEL, C1; issue 9: they were stored and printed
   * in PDFs). `multiline` text (descriptions, reasons) may hold tabs and line breaks.
   */
  text(field: string, value: string | undefined | null, { required = true, max = 255, multiline = false } = {}): void {
    if (value == null) {
      if (required) this.add(field, `${field} is required.`, ErrorCode.BLANK);
      return;
    }
    if (value.length > max) this.add(field, `${field} is too long (maximum ${max} characters).`, ErrorCode.TOO_LONG);
    else if (required && value.trim() === '') this.add(field, `${field} can't be blank.`, ErrorCode.BLANK);
    else {
      const at = controlCharacterAt(value, multiline);
      if (at >= 0) this.add(field, `${field} contains a control character (${codePoint(value, at)} at position ${at + 1}).`, ErrorCode.INVALID);
    }
  }

  /** A country as ISO 3166-1 alpha-2, in any case. */
  country(field: string, value: string): void {
    if (value.length !== 2 || !isCountryCode(value.toUpperCase())) {
      this.add(field, `${field} must be an ISO 3166-1 alpha-2 country code such as "ES".`, ErrorCode.INVALID);
    }
  }

  slug(field: string, value: string | undefined | null): void {
    if (value == null) return;
    if (value.length > 120 || !SLUG.test(value)) {
      this.add(field, `${field} must be lowercase letters, digits and single hyphens (at most 120).`, ErrorCode.INVALID);
    }
  }

  /** Length first, then a linear check (core/email.ts): no pattern ever sees a long address. */
  email(field: string, value: string): void {
    if (value.length > MAX_EMAIL_LENGTH) this.add(field, `${field} is too long (maximum ${MAX_EMAIL_LENGTH} characters).`, ErrorCode.TOO_LONG);
    else if (!isEmailAddress(value)) this.add(field, `${field} is not a valid address.`, ErrorCode.INVALID);
  }

  int(field: string, value: number | undefined | null, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): void {
    if (value == null) return;
    if (!Number.isSafeInteger(value)) this.add(field, `${field} must be a whole number.`, ErrorCode.INVALID);
    else if (value < 0 && min >= 0) this.add(field, `${field} can't be negative.`, ErrorCode.NEGATIVE);
    else if (value < min || value > max) this.add(field, `${field} must be between ${min} and ${max}.`, ErrorCode.INVALID);
  }

  check(condition: boolean, field: string, message: string, code = ErrorCode.INVALID): void {
    if (!condition) this.add(field, message, code);
  }

  /** Throws the collected errors, if any. */
  done(): void {
    if (this.errors.length) throw new UserErrors(this.errors);
  }
}
