import { QueryFailedError } from 'typeorm';

/** The constraint name when `err` is a PostgreSQL unique violation (23505), else null. */
export function uniqueViolation(err: unknown): string | null {
  if (err instanceof QueryFailedError) {
    const driverError = err.driverError as { code?: string; constraint?: string };
    if (driverError.code === '23505') return driverError.constraint ?? '';
  }
  return null;
}
