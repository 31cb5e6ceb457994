const isDigit = (s: string, i: number) => s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** The number in s[from, to), or -1 when a character is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    if (!isDigit(s, i)) return -1;
    n = n * 10 + s.charCodeAt(i) - 48;
  }
  return n;
}

/**
 * pg's timestamptz parser (postgres-date) without its regular expressions, for what PostgreSQL
 * sends: `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]` with a four-digit year; anything else (BC,
 * infinity, other years) goes to `fallback`, pg's own. A catalog page parses hundreds of these,
 * and the regular expressions' match arrays were a tenth of what it allocated.
 */
export function timestamptzParser(fallback: (text: string) => unknown): (text: string) => unknown {
  return (s) => {
    const shaped = s.length >= 22 && s[4] === '-' && s[7] === '-' && s[10] === ' ' && s[13] === ':' && s[16] === ':';
    const year = shaped ? digits(s, 0, 4) : -1;
    const month = digits(s, 5, 7);
    const day = digits(s, 8, 10);
    const hour = digits(s, 11, 13);
    const minute = digits(s, 14, 16);
    const second = digits(s, 17, 19);
    if (year < 1000 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return fallback(s);
    let i = 19;
    let ms = 0;
    if (s[i] === '.') {
      while (isDigit(s, ++i));
      if (i === 20) return fallback(s);
      // Computed as postgres-date does (Date.UTC then truncates it), for the same millisecond.
      ms = 1000 * Number.parseFloat(s.slice(19, i));
    }
    const sign = s[i] === '+' ? 1 : s[i] === '-' ? -1 : 0;
    const zoneHours = digits(s, i + 1, i + 3);
    let zoneMinutes = 0;
    let zoneSeconds = 0;
    let end = i + 3;
    if (s[end] === ':') {
      zoneMinutes = digits(s, end + 1, end + 3);
      end += 3;
      if (s[end] === ':') {
        zoneSeconds = digits(s, end + 1, end + 3);
        end += 3;
      }
    }
    if (!sign || end !== s.length || zoneHours < 0 || zoneMinutes < 0 || zoneSeconds < 0) return fallback(s);
    const offset = sign * (zoneHours * 3600 + zoneMinutes * 60 + zoneSeconds) * 1000;
    return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset);
  };
}
