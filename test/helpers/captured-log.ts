import pino, { type Logger } from 'pino';

export interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  err?: { message: string; stack?: string };
  [key: string]: unknown;
}

/** A pino logger whose lines land in `lines`, parsed: to assert what the app logged, and with which request id. */
export function capturedLog(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'info', base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}
