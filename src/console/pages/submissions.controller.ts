import { Get, HttpStatus, Inject, Param, Post, Req, Res } from '@nestjs/common';
import busboy from 'busboy';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators';
import { ForbiddenProblem, Problem, ValidationProblem } from '../../common/errors/problems';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ContractsService } from '../../contracts/contracts.service';
import { HoursDeclarationsService } from '../../hours-declarations/hours-declarations.service';
import { ImportIdParam } from '../../imports/imports.dto';
import { ImportsService } from '../../imports/imports.service';
import { InvoicesService } from '../../invoices/invoices.service';
import { seeOther } from '../console-error.filter';
import { ConsolePage } from '../console-page';
import { ConsoleSession, isMultipart } from '../console-session';
import { ConsoleView } from '../console-view';

/** Inzendingen: a school uploads its lesson CSV, follows the import and sees what it has submitted. */
@ConsolePage('submissions', { label: 'Inzendingen', roles: ['SCHOOL'], order: 40 })
@Roles('SCHOOL')
export class SubmissionsPageController {
  constructor(
    private readonly imports: ImportsService,
    private readonly declarations: HoursDeclarationsService,
    private readonly invoices: InvoicesService,
    private readonly contracts: ContractsService,
    private readonly session: ConsoleSession,
    private readonly view: ConsoleView,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async show(@CurrentActor() actor: Actor, @Req() req: Request): Promise<string> {
    const first = { page: 1, pageSize: 50 };
    const [imports, declarations, invoices, contracts] = await Promise.all([
      this.imports.recent(actor, 10),
      this.declarations.list(actor, first),
      this.invoices.list(actor, first),
      this.contracts.list(actor, first),
    ]);
    return this.view.page(req, 'submissions', 'Inzendingen', { imports, declarations, invoices, contracts });
  }

  /** One import's progress, for htmx to poll until it is done. */
  @Get('imports/:id')
  async importStatus(@CurrentActor() actor: Actor, @Param() { id }: ImportIdParam): Promise<string> {
    return this.view.fragment('partials/import-status', { item: await this.imports.get(actor, id) });
  }

  /** The upload form (multipart): its CSRF token is the first field, checked before the file is read. */
  @Post('lessons')
  async upload(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!isMultipart(req))
      throw new Problem(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'Unsupported Media Type',
        'Upload the file with the form.',
      );
    const id = await this.receiveFile(req, (file) => this.imports.receive(actor, 'LESSONS', file));
    this.session.flash(req, 'ok', 'Het bestand is ontvangen en wordt verwerkt.');
    seeOther(res, `/console/submissions#import-${id}`);
  }

  private receiveFile(req: Request, store: (file: Readable) => Promise<{ id: string }>): Promise<string> {
    return new Promise((resolve, reject) => {
      let token: string | undefined;
      let stored: Promise<{ id: string }> | undefined;
      const parser = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 2, fieldSize: 1000, parts: 3, fileSize: this.config.importMaxBytes + 1 },
      });
      parser.on('field', (name, value) => {
        if (name === '_csrf') token = value;
      });
      parser.on('file', (_name, file) => {
        req.body = { _csrf: token };
        if (stored || !this.session.csrfValid(req)) {
          file.resume();
          return reject(new ForbiddenProblem('The form is missing its CSRF token.'));
        }
        stored = store(file);
        stored.catch(reject);
      });
      parser.on('error', () =>
        reject(new ValidationProblem([{ name: 'file', reason: 'the upload could not be read' }])),
      );
      parser.on('close', () => {
        if (!stored) return reject(new ValidationProblem([{ name: 'file', reason: 'choose a CSV file' }]));
        stored.then((saved) => resolve(saved.id), reject);
      });
      req.pipe(parser);
    });
  }
}
