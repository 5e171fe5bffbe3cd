import pino from 'pino';

export type Logger = pino.Logger;

/** `destination` defaults to stdout; tests pass a stream to read what was logged. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  const options = { level, base: { service: 'service-hub', ...bindings } };
  return destination ? pino(options, destination) : pino(options);
}
