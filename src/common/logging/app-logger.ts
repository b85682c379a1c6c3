import { LoggerService } from '@nestjs/common';
import { appendFileSync } from 'node:fs';
import type { AppConfig } from '../../config/app-config';

const levels = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
type Level = (typeof levels)[number];

/** One JSON line per message, to stdout and (when LOG_FILE is set) a file. */
export class AppLogger implements LoggerService {
  private readonly maxLevel: number;

  constructor(
    private readonly process: 'api' | 'worker',
    private readonly config: Pick<AppConfig, 'log' | 'env'>,
  ) {
    this.maxLevel = levels.indexOf(config.log.level);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (levels.indexOf(level) > this.maxLevel) return;
    const context =
      rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const line = JSON.stringify({
      at: new Date().toISOString(),
      level,
      process: this.process,
      context,
      message: message instanceof Error ? message.message : message,
      ...(rest.length > 0 ? { detail: rest.map(String) } : {}),
    });
    // Under test the file alone, so test output stays readable; it is scanned for BSNs.
    if (this.config.log.file) appendFileSync(this.config.log.file, `${line}\n`);
    if (this.config.env !== 'test' || !this.config.log.file) {
      (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
    }
  }
}
