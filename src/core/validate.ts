import { MAX_EMAIL_LENGTH, isEmailAddress } from './email';
import { ErrorCode } from './errors';
import { UserErrors, userError, type UserError } from './user-error';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Collects field problems of one input and throws them together. */
export class Validator {
  readonly errors: UserError[] = [];

  private add(field: string, message: string, code: ErrorCode): void {
    this.errors.push(userError(['input', ...field.split('.')], message, code));
  }

  text(field: string, value: string | undefined | null, { required = true, max = 255 } = {}): void {
    if (value == null) {
      if (required) this.add(field, `${field} is required.`, ErrorCode.BLANK);
      return;
    }
    if (required && value.trim() === '') this.add(field, `${field} can't be blank.`, ErrorCode.BLANK);
    else if (value.length > max) this.add(field, `${field} is too long (maximum ${max} characters).`, ErrorCode.TOO_LONG);
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
