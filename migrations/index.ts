import { Foundation1763900000000 } from './1763900000000-foundation';

/** Every migration, oldest first. A landed migration is never edited: add a new one. */
export const allMigrations = [Foundation1763900000000];
