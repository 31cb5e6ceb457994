/** A cart holds at most this many lines (distinct listings). */
export const MAX_LINES = 100;
/** Per line, as the table's CHECK (quantity BETWEEN 1 AND 999) says. */
export const MAX_QUANTITY = 999;
