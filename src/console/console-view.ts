import { Inject, Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import type { Request } from 'express';
import { join } from 'node:path';
import type { Actor } from '../common/auth/actor';
import type { AuthenticatedRequest } from '../common/auth/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import * as format from './format';
import { label, LABELS } from './labels';
import { menuFor } from './console-page';
import { ConsoleSession } from './console-session';

/** What every page gets besides its own data. */
export interface PageContext {
  title: string;
  actor: Actor | null;
  email?: string;
  csrfToken: string | null;
  menu: { label: string; path: string; current: boolean }[];
  flash?: { kind: 'ok' | 'error'; text: string };
  label: typeof label;
  labels: typeof LABELS;
  format: typeof format;
  /** The page's address with other query parameters: for paging and filter links. */
  url: (changes: Record<string, string | number | undefined | null>) => string;
}

/**
 * Renders the console's server-side templates (Eta; `<%= %>` escapes, and it is the only output tag the
 * templates use for data). Each page template sets the layout; the layout draws the shell.
 */
@Injectable()
export class ConsoleView {
  private readonly eta: Eta;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly session: ConsoleSession,
  ) {
    this.eta = new Eta({
      views: join(__dirname, 'views'),
      autoEscape: true,
      cache: config.env === 'production',
    });
  }

  /** A whole page for the signed-in user (or for nobody: the login and error pages). */
  page(req: Request, template: string, title: string, data: object = {}): string {
    const actor = (req as Partial<AuthenticatedRequest>).actor ?? null;
    const signedIn = actor !== null && req.session?.userId !== undefined;
    const context: PageContext = {
      title,
      actor,
      csrfToken: signedIn ? this.session.csrfToken(req) : null,
      menu: actor
        ? menuFor(actor.role).map((entry) => ({
            label: entry.label,
            path: entry.path,
            current: req.path === entry.path || req.path.startsWith(`${entry.path}/`),
          }))
        : [],
      flash: signedIn ? this.session.takeFlash(req) : undefined,
      label,
      labels: LABELS,
      format,
      url: (changes) => withQuery(req, changes),
    };
    return this.eta.render(template, { ...context, ...data });
  }

  /** A piece of a page (htmx partial updates), with the same helpers. */
  fragment(template: string, data: object): string {
    return this.eta.render(template, { label, labels: LABELS, format, ...data });
  }
}

/** The current address with some query parameters changed (undefined or '' removes one). */
export function withQuery(req: Request, changes: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(req.query)) if (typeof value === 'string') params.set(key, value);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === null || value === '') params.delete(key);
    else params.set(key, String(value));
  }
  const query = params.toString();
  return query ? `${req.path}?${query}` : req.path;
}
