import { Body, Get, HttpCode, Ip, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthService } from '../../auth/auth.service';
import { LoginDto } from '../../auth/login.dto';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor, Public } from '../../common/auth/auth.decorators';
import { Problem } from '../../common/errors/problems';
import { seeOther } from '../console-error.filter';
import { ConsolePage } from '../console-page';
import { ConsoleSession } from '../console-session';
import { ConsoleView } from '../console-view';
import { formDto } from '../form';

/** Where each role starts (CONSOLE.md). */
export const landingPage = (actor: Pick<Actor, 'role'>): string =>
  actor.role === 'SCHOOL' ? '/console/school' : '/console/flags';

/** Sign-in (Inloggen) and sign-out (Uitloggen): the API's accounts, password check and rate limit. */
@ConsolePage('')
export class SignInController {
  constructor(
    private readonly auth: AuthService,
    private readonly session: ConsoleSession,
    private readonly view: ConsoleView,
  ) {}

  @Get()
  home(@CurrentActor() actor: Actor, @Res() res: Response): void {
    seeOther(res, landingPage(actor));
  }

  @Public()
  @Get('login')
  form(@Req() req: Request): string {
    return this.loginPage(req);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: unknown,
    @Ip() ip: string,
  ): Promise<void> {
    const fields = (body ?? {}) as Record<string, unknown>;
    const email = typeof fields.email === 'string' ? fields.email : '';
    try {
      const dto = await formDto(LoginDto, { email, password: fields.password });
      const user = await this.auth.verifyCredentials(dto, ip);
      await this.session.signIn(req, user.id);
      seeOther(res, landingPage(user));
    } catch (error) {
      if (!(error instanceof Problem) || error.status >= 500) throw error;
      const message =
        error.status === 429
          ? 'Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.'
          : 'Onjuist e-mailadres of wachtwoord.';
      res
        .status(error.status === 429 ? 429 : 401)
        .type('html')
        .send(this.loginPage(req, email, message));
    }
  }

  /** Public to the guard (the session and its CSRF token are all it needs): a closed school's user may still leave. */
  @Public()
  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.session.signOut(req, res);
    seeOther(res, '/console/login');
  }

  private loginPage(req: Request, email = '', error?: string): string {
    return this.view.page(req, 'login', 'Inloggen', {
      email,
      error,
      loginToken: this.session.loginFormToken(),
    });
  }
}
