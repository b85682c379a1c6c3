import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProblemDetailsFilter } from '../common/errors/problem-details.filter';
import { ConsoleView } from './console-view';

/** A refused form (bad field, domain rule, duplicate): its message on the page the form came from. */
const FORM_ERRORS = new Set([400, 409, 413, 415, 422, 429]);

const TITLES: Record<number, string> = {
  400: 'Ongeldige aanvraag',
  403: 'Geen toegang',
  404: 'Niet gevonden',
  409: 'Bestaat al',
  413: 'Te groot',
  415: 'Verkeerd soort bestand',
  422: 'Niet toegestaan',
  429: 'Te veel pogingen',
  500: 'Er ging iets mis',
};

/**
 * Errors of console pages as pages: the sign-in page when there is no session, a 404 page for a record
 * that does not exist or is another school's, 403 for what the role may not do. A refused form is answered
 * with the reason and a link back to the form. The problem itself is the API's (ProblemDetailsFilter).
 */
@Catch()
@Injectable()
export class ConsoleErrorFilter implements ExceptionFilter {
  private readonly problems = new ProblemDetailsFilter();

  constructor(private readonly view: ConsoleView) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const problem = this.problems.toProblem(exception);
    if (problem.status === 401) return signInRedirect(req, res);
    const invalid = (problem.invalidParams as { name: string; reason: string }[] | undefined) ?? [];
    const message = [problem.detail, ...invalid.map((p) => `${p.name}: ${p.reason}`)].join(' ');
    // A refused form is answered at once, with the reason as an alert and the way back to the form (the
    // browser keeps what was typed): a message carried through the session to a redirect could be lost to a
    // concurrent save of the same session.
    const refusedForm = req.method === 'POST' && FORM_ERRORS.has(problem.status) && req.session?.userId;
    res
      .status(problem.status)
      .type('html')
      .send(
        this.view.page(req, 'error', TITLES[problem.status] ?? TITLES[500], {
          status: problem.status,
          message: problem.status >= 500 || refusedForm ? '' : message,
          ...(refusedForm
            ? { flash: { kind: 'error', text: message }, back: sameOriginReferrer(req) ?? '/console' }
            : {}),
        }),
      );
  }
}

/** Post/redirect/get: after a form, the browser loads the next page with GET. */
export function seeOther(res: Response, location: string): void {
  res.redirect(303, location);
}

/** To the sign-in page; htmx requests are told to load it as a whole page. */
export function signInRedirect(req: Request, res: Response): void {
  if (req.headers['hx-request']) {
    res.status(401).setHeader('HX-Redirect', '/console/login');
    res.end();
    return;
  }
  seeOther(res, '/console/login');
}

/** Where a form came from, when that is a console page of this site. */
function sameOriginReferrer(req: Request): string | undefined {
  const referrer = req.headers.referer;
  if (!referrer) return undefined;
  try {
    const url = new URL(referrer);
    return url.host === req.headers.host && url.pathname.startsWith('/console')
      ? `${url.pathname}${url.search}`
      : undefined;
  } catch {
    return undefined;
  }
}
