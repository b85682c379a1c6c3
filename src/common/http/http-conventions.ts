import { HttpStatus, INestApplication, UnsupportedMediaTypeException } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { Problem } from '../errors/problems';
import { hasBody, mediaType } from './csv-upload';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';

/** Paths under the API prefix that serve a browser page (with scripts and styles) instead of JSON. */
const PAGE_PATHS = ['/docs', '/admin/queues'];
const isPage = (path: string): boolean =>
  PAGE_PATHS.some((page) => path === page || path.startsWith(`${page}/`));

const shared = {
  referrerPolicy: { policy: 'no-referrer' as const },
  strictTransportSecurity: false, // served behind a TLS proxy that sets it; plain HTTP on loopback here
};

/**
 * The headers a helmet middleware sets, worked out once: with these options they depend on nothing in the request
 * (no nonces, no HSTS), and running its dozen middlewares for every request cost about 5% of a submission's CPU.
 */
function precomputed(middleware: RequestHandler): (res: Response) => void {
  const set: [string, string | number | readonly string[]][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => void set.push([name, value]),
    removeHeader: (name: string) => void removed.push(name),
  };
  let done = false;
  void middleware({} as Request, recorder as unknown as Response, () => (done = true));
  if (!done) throw new Error('a security-header middleware did not finish at once');
  return (res) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
  };
}

/** JSON answers load nothing and are framed by no one; nothing they carry (BSNs, tokens) may be cached. */
const apiHeaders = precomputed(
  helmet({
    ...shared,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
  }),
);

/** The docs and the queue dashboard load their own scripts and styles (and inline styles). */
const pageHeaders = precomputed(
  helmet({
    ...shared,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
        fontSrc: ["'self'", 'https://fonts.gstatic.com', 'data:'],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  }),
);

const noTrailingSlash = new Problem(
  HttpStatus.NOT_FOUND,
  'Not Found',
  'No such resource (paths end without a slash).',
);

/**
 * The HTTP conventions of the API (API.md) that hold before any route: security headers, no trailing
 * slashes, no body it cannot read. Mounted on the API prefix only, so other parts of the application
 * (the console) keep their own policies.
 */
export function applyHttpConventions(
  app: INestApplication,
  prefix: string,
  filter: ProblemDetailsFilter,
): void {
  (app as NestExpressApplication).disable('x-powered-by');
  const conventions: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const page = isPage(req.path);
    (page ? pageHeaders : apiHeaders)(res);
    if (!page) res.setHeader('Cache-Control', 'no-store');
    if (!page && req.path.length > 1 && req.path.endsWith('/')) return filter.send(res, noTrailingSlash);
    next();
  };
  app.use(prefix, conventions);
}

/**
 * A body that is neither JSON nor CSV (which the CSV routes stream themselves) is refused with 415,
 * rather than read as an empty request: `POST /check-runs` with a text/plain body must not start a run.
 * Runs after the JSON body parser.
 */
export function refuseUnreadableBodies(filter: ProblemDetailsFilter): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const type = mediaType(req);
    const consoleUpload = req.path.startsWith('/console/') && type === 'multipart/form-data';
    if (!hasBody(req) || req.body !== undefined || type === 'text/csv' || consoleUpload) return next();
    filter.send(res, new UnsupportedMediaTypeException('The request body must be application/json.'));
  };
}
