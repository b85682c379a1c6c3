import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBase64,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { config as loadDotenv } from 'dotenv';
import { resolve } from 'node:path';

/** The environment as the process receives it; validated once at boot (nobody else reads process.env). */
class Environment {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV = 'development';

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  @IsNotEmpty()
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/taalschool';

  @IsString()
  @IsNotEmpty()
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every BullMQ key; lets test files share one Redis without seeing each other's jobs. */
  @IsString()
  @IsNotEmpty()
  QUEUE_PREFIX = 'taalschool';

  @IsEmail()
  ADMIN_EMAIL: string;

  @IsString()
  @MinLength(8)
  ADMIN_PASSWORD: string;

  @IsString()
  @MinLength(32)
  JWT_SECRET: string;

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(60)
  JWT_EXPIRES_IN_SECONDS = 8 * 3600;

  /** 32 bytes, base64: AES-256-GCM key for BSNs at rest. */
  @IsBase64()
  BSN_ENCRYPTION_KEY: string;

  /** 32 bytes, base64: HMAC-SHA256 key of the BSN blind index. */
  @IsBase64()
  BSN_INDEX_KEY: string;

  @IsString()
  UPLOAD_DIR = 'var/uploads';

  /** Largest CSV upload in bytes (API.md: 200 MB); larger bodies get 413. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  IMPORT_MAX_BYTES = 200 * 1024 * 1024;

  /** Where log lines go besides stdout (tests scan it for BSNs). */
  @IsOptional()
  @IsString()
  LOG_FILE?: string;

  @IsIn(['error', 'warn', 'log', 'debug'])
  LOG_LEVEL = 'log';

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  WORKER_CONCURRENCY = 2;

  /** Minutes without a request after which a console session ends. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  CONSOLE_IDLE_MINUTES = 30;
}

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  port: number;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  admin: { email: string; password: string };
  jwt: { secret: string; expiresInSeconds: number };
  bsn: { encryptionKey: Buffer; indexKey: Buffer };
  uploadDir: string;
  importMaxBytes: number;
  log: { file?: string; level: 'error' | 'warn' | 'log' | 'debug' };
  workerConcurrency: number;
  console: { idleMinutes: number };
}

export class ConfigError extends Error {}

/** Reads and validates the environment. Throws a ConfigError naming every bad or missing variable. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<string, string>> = {},
): AppConfig {
  if (env === process.env) loadDotenv({ path: resolve(process.cwd(), '.env'), quiet: true });
  const raw: Record<string, string | undefined> = { ...env, ...overrides };
  const defined = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = plainToInstance(Environment, defined, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { whitelist: true });
  if (errors.length > 0) {
    const names = errors.map((e) => `${e.property} (${Object.values(e.constraints ?? {}).join('; ')})`);
    throw new ConfigError(
      `Invalid configuration: ${names.join(', ')}. Set these in the environment, or run "npm run services" to write development defaults to .env.`,
    );
  }
  const key = (name: 'BSN_ENCRYPTION_KEY' | 'BSN_INDEX_KEY'): Buffer => {
    const buffer = Buffer.from(parsed[name], 'base64');
    if (buffer.length !== 32)
      throw new ConfigError(`Invalid configuration: ${name} must be 32 bytes, base64-encoded.`);
    return buffer;
  };
  return {
    env: parsed.NODE_ENV as AppConfig['env'],
    port: parsed.PORT,
    databaseUrl: parsed.DATABASE_URL,
    redisUrl: parsed.REDIS_URL,
    queuePrefix: parsed.QUEUE_PREFIX,
    admin: { email: parsed.ADMIN_EMAIL.toLowerCase(), password: parsed.ADMIN_PASSWORD },
    jwt: { secret: parsed.JWT_SECRET, expiresInSeconds: parsed.JWT_EXPIRES_IN_SECONDS },
    bsn: { encryptionKey: key('BSN_ENCRYPTION_KEY'), indexKey: key('BSN_INDEX_KEY') },
    uploadDir: resolve(process.cwd(), parsed.UPLOAD_DIR),
    importMaxBytes: parsed.IMPORT_MAX_BYTES,
    log: { file: parsed.LOG_FILE, level: parsed.LOG_LEVEL as AppConfig['log']['level'] },
    workerConcurrency: parsed.WORKER_CONCURRENCY,
    console: { idleMinutes: parsed.CONSOLE_IDLE_MINUTES },
  };
}

/** Injection token of the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
