import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { TokenAuthenticator } from '../common/auth/token-authenticator';
import { ProblemDetailsFilter } from '../common/errors/problem-details.filter';
import { ForbiddenProblem, UnauthorizedProblem } from '../common/errors/problems';
import { JobQueue } from '../queue/job-queue.service';

const COOKIE = 'queue_dashboard_token';
const REALM = 'Basic realm="Taalschool queue dashboard", charset="UTF-8"';

/**
 * The bull-board queue dashboard, for ADMIN only, mounted at `basePath` (an express router, outside
 * Nest's guard). A browser cannot send a bearer header, so the dashboard also accepts HTTP Basic with
 * a user's e-mail and password, checked by the same login as POST /auth/login (argon2, rate limit);
 * the token that login issues is then kept in an HttpOnly cookie scoped to the dashboard, so the
 * dashboard's own requests cost a signature check, not a password hash. API clients may send the
 * bearer token as anywhere else.
 */
export function mountQueueDashboard(app: INestApplication, basePath: string): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: app
      .get(JobQueue)
      .allQueues()
      .map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
  });
  app.use(
    basePath,
    adminOnly(app.get(AuthService), app.get(TokenAuthenticator), basePath),
    serverAdapter.getRouter(),
  );
}

function adminOnly(auth: AuthService, tokens: TokenAuthenticator, basePath: string) {
  const filter = new ProblemDetailsFilter();
  const requireAdmin = async (token: string): Promise<void> => {
    if ((await tokens.actor(token)).role !== 'ADMIN')
      throw new ForbiddenProblem('The queue dashboard is for ADMIN only.');
  };
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const header = req.headers.authorization ?? '';
      const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
      const cookie = cookieValue(req.headers.cookie, COOKIE);
      if (bearer ?? (!basic && cookie)) {
        await requireAdmin((bearer ?? cookie) as string);
        return next();
      }
      if (!basic)
        throw new UnauthorizedProblem('Log in with an ADMIN e-mail and password, or send a bearer token.');
      // A cookie from an earlier login spares the password check on every asset the page loads.
      if (
        cookie &&
        (await requireAdmin(cookie).then(
          () => true,
          () => false,
        ))
      )
        return next();
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new UnauthorizedProblem('Malformed Basic credentials.');
      const { accessToken } = await auth.login(
        { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) },
        req.ip ?? '',
      );
      // Only an ADMIN's token becomes a cookie: anyone else leaves with the 403 and nothing else.
      await requireAdmin(accessToken);
      res.cookie(COOKIE, accessToken, { httpOnly: true, sameSite: 'strict', path: basePath });
      next();
    } catch (error) {
      if (error instanceof UnauthorizedProblem) res.setHeader('WWW-Authenticate', REALM);
      filter.send(res, error);
    }
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
