import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import connectPgSimple from 'connect-pg-simple';
import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in user; the guard reads role and school afresh on every request. */
    userId: string;
    /** One message for the next page (post/redirect/get). */
    flash: { kind: 'ok' | 'error'; text: string };
  }
}

export const SESSION_COOKIE = 'taalschool_console';
/** A login form is good for this long: long enough to type, short enough that a captured one is stale. */
const LOGIN_FORM_TTL_MS = 2 * 3600 * 1000;

/**
 * The console's session: a cookie with only the session id (HttpOnly, SameSite=Strict, Secure over HTTPS),
 * its data in Postgres (connect-pg-simple), ended after `CONSOLE_IDLE_MINUTES` without a request; and
 * its CSRF tokens (csrf-sync, the synchroniser token kept in the session).
 */
@Injectable()
export class ConsoleSession implements OnModuleDestroy {
  private readonly store: connectPgSimple.PGStore;
  private readonly secret: string;
  private readonly csrf = csrfSync({
    getTokenFromRequest: (req) => {
      const header = req.headers['x-csrf-token'];
      if (typeof header === 'string') return header;
      const field: unknown = (req.body as Record<string, unknown> | undefined)?._csrf;
      return typeof field === 'string' ? field : undefined;
    },
  });

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() dataSource: DataSource,
  ) {
    // Derived, so the console needs no secret of its own; the label keeps it apart from token signing.
    this.secret = createHmac('sha256', config.jwt.secret).update('console-session').digest('base64url');
    const PgStore = connectPgSimple(session);
    this.store = new PgStore({
      pool: (dataSource.driver as unknown as { master: Pool }).master,
      tableName: 'console_sessions',
      createTableIfMissing: false,
      pruneSessionInterval: 15 * 60,
    });
  }

  middleware(): RequestHandler {
    return session({
      name: SESSION_COOKIE,
      secret: this.secret,
      store: this.store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      unset: 'destroy',
      cookie: {
        httpOnly: true,
        sameSite: 'strict',
        secure: 'auto',
        path: '/console',
        maxAge: this.config.console.idleMinutes * 60 * 1000,
      },
    });
  }

  /** The CSRF token of the signed-in session, for its forms and htmx requests. */
  csrfToken(req: Request): string {
    return this.csrf.generateToken(req);
  }

  /** Whether a state-changing request carries the session's CSRF token (header or `_csrf` field). */
  csrfValid(req: Request): boolean {
    return req.session?.userId !== undefined && this.csrf.isRequestValid(req);
  }

  /**
   * The login form's CSRF token. There is no session before sign-in (a wrong password must create none),
   * so the token is stateless: its issue time, signed.
   */
  loginFormToken(now = Date.now()): string {
    return `${now}.${this.sign(`login.${now}`)}`;
  }

  loginFormTokenValid(token: unknown, now = Date.now()): boolean {
    if (typeof token !== 'string' || token.length > 200) return false;
    const [issued, signature] = token.split('.');
    const at = Number(issued);
    if (!Number.isSafeInteger(at) || now - at > LOGIN_FORM_TTL_MS || at > now + 60_000 || !signature)
      return false;
    const expected = Buffer.from(this.sign(`login.${at}`));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Starts a fresh session for the user (a new id: no session fixation). */
  signIn(req: Request, userId: string): Promise<void> {
    return new Promise((resolve, reject) =>
      req.session.regenerate((error) => {
        if (error) return reject(error as Error);
        req.session.userId = userId;
        req.session.save((saveError) => (saveError ? reject(saveError as Error) : resolve()));
      }),
    );
  }

  signOut(req: Request, res: Response): Promise<void> {
    res.clearCookie(SESSION_COOKIE, { path: '/console' });
    return new Promise((resolve, reject) =>
      req.session.destroy((error) => (error ? reject(error as Error) : resolve())),
    );
  }

  flash(req: Request, kind: 'ok' | 'error', text: string): void {
    if (req.session?.userId) req.session.flash = { kind, text };
  }

  /** After a state change: its one-time message, and back to a page (303: a reload does not repeat the POST). */
  done(req: Request, res: Response, location: string, text: string): void {
    this.flash(req, 'ok', text);
    res.redirect(303, location);
  }

  takeFlash(req: Request): { kind: 'ok' | 'error'; text: string } | undefined {
    const flash = req.session?.flash;
    if (flash) delete req.session.flash;
    return flash;
  }

  onModuleDestroy(): void {
    this.store.close();
  }

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url');
  }
}

/** Express middleware refusing a state change without the CSRF token: 403, nothing done. */
export function csrfProtection(
  consoleSession: ConsoleSession,
  refuse: (req: Request, res: Response) => void,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    const valid =
      req.path === '/login'
        ? consoleSession.loginFormTokenValid((req.body as Record<string, unknown> | undefined)?._csrf)
        : isMultipart(req) || consoleSession.csrfValid(req);
    // A multipart upload carries its token as the form's first field: the handler checks it before the file.
    return valid ? next() : refuse(req, res);
  };
}

export const isMultipart = (req: Request): boolean =>
  (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
