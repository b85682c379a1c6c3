import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { hash, verify } from 'argon2';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Repository } from 'typeorm';
import { TooManyRequestsProblem, UnauthorizedProblem } from '../common/errors/problems';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { createRedis } from '../queue/redis';
import { User } from '../users/user.entity';
import { LoginLimiter } from './login-limiter';
import { LoginDto, TokenResponse } from './login.dto';

@Injectable()
export class AuthService implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly limiter: LoginLimiter;
  /** Verified for unknown e-mail addresses, so they take as long as known ones (no account oracle). */
  private readonly dummyHash: Promise<string>;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.redis = createRedis(config.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
    });
    // Unreachable Redis fails the limiter's commands (answered 503); the connection's own errors are not news.
    this.redis.on('error', () => undefined);
    this.limiter = new LoginLimiter(this.redis, config.queuePrefix);
    this.dummyHash = hash(randomBytes(32));
  }

  /** `POST /auth/login`: a bearer token for the account. */
  async login(dto: LoginDto, clientIp: string): Promise<TokenResponse> {
    const user = await this.verifyCredentials(dto, clientIp);
    const accessToken = await this.jwt.signAsync(
      { sub: user.id, role: user.role, schoolId: user.schoolId },
      { algorithm: 'HS256', expiresIn: this.config.jwt.expiresInSeconds },
    );
    return { accessToken, expiresIn: this.config.jwt.expiresInSeconds };
  }

  /**
   * The one password check of the API, the console and the queue dashboard. Failed logins are limited
   * per account, client address and both (see LoginLimiter); a disabled account is refused.
   */
  async verifyCredentials(dto: LoginDto, clientIp: string): Promise<User> {
    const email = dto.email.toLowerCase();
    const attempt = await this.limiter.attempt(email, clientIp);
    if (!attempt.allowed) throw new TooManyRequestsProblem('Too many failed logins; try again later.');

    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email })
      .getOne();
    const right = await verify(user?.passwordHash ?? (await this.dummyHash), dto.password);
    if (!user || !right) throw new UnauthorizedProblem('Wrong email or password.');
    await attempt.succeeded();
    if (user.disabledAt) throw new UnauthorizedProblem('This account is disabled.');
    return user;
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
