/**
 * The baseline of the submission bench (issue 13): a bare NestJS application on the portal's adapter (express),
 * with the portal's validation pipe and the same request DTO, whose POST /api/v1/hours-declarations does one pg
 * INSERT and answers the row. No authentication, tenancy, audit, outbox or idempotency: what the portal adds to
 * this is what the bench's ratio measures. Started by bench/api-throughput.bench.ts as a child process.
 *
 *   DATABASE_URL=... BARE_SCHOOL_ID=... BARE_LEARNER_ID=... PORT=... node -r ts-node/register/transpile-only bench/bare-nest-server.ts
 */
import 'reflect-metadata';
import { Body, Controller, Inject, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Pool } from 'pg';
import { CONNECTION_POOL_SIZE } from '../src/database/data-source';
import { strictValidationPipe } from '../src/common/http/validation';
import { CreateHoursDeclarationDto } from '../src/hours-declarations/hours-declarations.dto';

const POOL = Symbol('pool');
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

@Controller('api/v1/hours-declarations')
class BareDeclarationsController {
  constructor(@Inject(POOL) private readonly pool: Pool) {}

  @Post()
  async create(@Body() dto: CreateHoursDeclarationDto): Promise<object> {
    const { rows } = await this.pool.query(
      `INSERT INTO hours_declarations (school_id, learner_id, purpose, period_start, period_end, hours, issued_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, status, created_at AS "createdAt"`,
      [
        env('BARE_SCHOOL_ID'),
        env('BARE_LEARNER_ID'),
        dto.purpose,
        dto.periodStart,
        dto.periodEnd,
        dto.hours,
        dto.issuedOn,
      ],
    );
    return { ...rows[0], purpose: dto.purpose, periodStart: dto.periodStart, periodEnd: dto.periodEnd };
  }
}

@Module({
  controllers: [BareDeclarationsController],
  providers: [
    {
      provide: POOL,
      useFactory: () => new Pool({ connectionString: env('DATABASE_URL'), max: CONNECTION_POOL_SIZE }),
    },
  ],
})
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BareModule, { logger: ['error'] });
  app.useGlobalPipes(strictValidationPipe());
  await app.listen(Number(env('PORT')), '127.0.0.1');
  process.stdout.write('listening\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
