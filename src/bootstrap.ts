import { INestApplication, Logger, RequestMethod, UnsupportedMediaTypeException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { json } from 'express';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter';
import { strictValidationPipe } from './common/http/validation';
import { AppLogger } from './common/logging/app-logger';
import { AppConfig } from './config/app-config';
import { mountConsole } from './console/console-http';
import { migrateWithLock } from './database/data-source';
import { mountQueueDashboard } from './queue-dashboard/queue-dashboard';
import { UsersService } from './users/users.service';

export const API_PREFIX = 'api/v1';
export const API_VERSION = '1.0.0';

/** Builds the HTTP application: conventions of API.md, migrations, the bootstrap admin. Does not listen. */
export async function createApi(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: new AppLogger('api', config),
    bodyParser: false,
  });
  const filter = new ProblemDetailsFilter();
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('API-Version', API_VERSION);
    next();
  });
  app.use(requestLog());
  app.use(json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  mountConsole(app);
  app.use(refuseUnreadableBodies(filter));
  mountQueueDashboard(app, `/${API_PREFIX}/admin/queues`);
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'console', method: RequestMethod.ALL },
      { path: 'console/*path', method: RequestMethod.ALL },
    ],
  });
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(filter);
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Taalschool Compliance API')
      .setDescription(
        'Submissions of language schools, DUO data, cross-checks, flags and exemptions. See API.md.',
      )
      .setVersion(API_VERSION)
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, { jsonDocumentUrl: `${API_PREFIX}/openapi.json` });

  await migrateWithLock(app.get(DataSource));
  await app.get(UsersService).bootstrapAdmin();
  await app.init();
  // Errors raised before Nest's router (the JSON body parser) still answer as problem+json.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const problem = filter.toProblem(error);
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  });
  return app;
}

/**
 * A body that is neither JSON nor CSV (which the import routes stream themselves) is refused with 415,
 * rather than read as an empty request: `POST /check-runs` with a text/plain body must not start a run.
 */
function refuseUnreadableBodies(filter: ProblemDetailsFilter) {
  return (req: Request, res: Response, next: NextFunction) => {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const consoleUpload = req.path.startsWith('/console/') && type === 'multipart/form-data';
    if (!hasBody || req.body !== undefined || type === 'text/csv' || consoleUpload) return next();
    const problem = filter.toProblem(
      new UnsupportedMediaTypeException('The request body must be application/json.'),
    );
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  };
}

/** Logs method, path (never the query string: it may hold a BSN), status and duration. */
function requestLog() {
  const logger = new Logger('HTTP');
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.log(`${req.method} ${req.path} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    next();
  };
}
