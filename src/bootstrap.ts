import { INestApplication, Logger, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { json } from 'express';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter';
import { refuseDeepJson } from './common/http/hostile-input';
import { applyHttpConventions, refuseUnreadableBodies } from './common/http/http-conventions';
import { strictValidationPipe } from './common/http/validation';
import { AppLogger } from './common/logging/app-logger';
import { AppConfig } from './config/app-config';
import { mountConsole } from './console/console-http';
import { migrateWithLock } from './database/data-source';
import swaggerMetadata from './metadata';
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
  applyHttpConventions(app, `/${API_PREFIX}`, filter);
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('API-Version', API_VERSION);
    next();
  });
  app.use(requestLog());
  app.use(json({ limit: '1mb', type: ['application/json', 'application/*+json'], verify: refuseDeepJson }));
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

  // What the swagger plugin read off the DTOs and controllers (generated: scripts/swagger-metadata.ts).
  await SwaggerModule.loadPluginMetadata(swaggerMetadata);
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
    filter.send(res, error);
  });
  return app;
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
