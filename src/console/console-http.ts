import { INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import { urlencoded } from 'express';
import helmet from 'helmet';
import { ConsoleSession, csrfProtection } from './console-session';
import { ConsoleView } from './console-view';

/** The stylesheets and the one script the console loads, from their packages: nothing from elsewhere. */
const ASSETS: Record<string, { module: string; type: string }> = {
  'utrecht.css': { module: '@utrecht/component-library-css/dist/index.css', type: 'text/css' },
  'theme.css': {
    module: '@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css',
    type: 'text/css',
  },
  'button.css': { module: '@nl-design-system-candidate/button-css/button.css', type: 'text/css' },
  'link.css': { module: '@nl-design-system-candidate/link-css/link.css', type: 'text/css' },
  'heading.css': { module: '@nl-design-system-candidate/heading-css/heading.css', type: 'text/css' },
  'paragraph.css': { module: '@nl-design-system-candidate/paragraph-css/paragraph.css', type: 'text/css' },
  'skip-link.css': { module: '@nl-design-system-candidate/skip-link-css/skip-link.css', type: 'text/css' },
  'data-badge.css': { module: '@nl-design-system-candidate/data-badge-css/data-badge.css', type: 'text/css' },
  'htmx.min.js': { module: 'htmx.org/dist/htmx.min.js', type: 'text/javascript' },
  'console.css': { module: require.resolve('./assets/console.css'), type: 'text/css' },
};
const ASSET_FILES = Object.fromEntries(
  Object.entries(ASSETS).map(([name, asset]) => [name, { ...asset, file: require.resolve(asset.module) }]),
);

/**
 * Mounts what console pages need before Nest's router: their assets, a strict Content-Security-Policy,
 * form bodies, the session and CSRF protection. Only under `/console`: the API never reads the cookie.
 */
export function mountConsole(app: INestApplication): void {
  const consoleSession = app.get(ConsoleSession);
  const view = app.get(ConsoleView);
  app.use('/console/assets/:name', (req: Request<{ name: string }>, res: Response) => {
    const asset = Object.hasOwn(ASSET_FILES, req.params.name) ? ASSET_FILES[req.params.name] : undefined;
    if (!asset) return res.status(404).type('text/plain').send('Not found');
    res.sendFile(asset.file, {
      headers: { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=3600' },
    });
  });
  app.use(
    '/console',
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'same-origin' },
    }),
    (_req: Request, res: Response, next: () => void) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
    urlencoded({ extended: false, limit: '100kb', parameterLimit: 200 }),
    consoleSession.middleware(),
    csrfProtection(consoleSession, (req, res) => {
      res
        .status(403)
        .type('html')
        .send(
          view.page(req, 'error', 'Geen toegang', {
            status: 403,
            message:
              'Het formulier is verlopen of komt niet van deze site (CSRF-token ontbreekt). Laad de pagina opnieuw.',
          }),
        );
    }),
  );
}
