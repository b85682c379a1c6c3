import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { verify } from 'argon2';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { Repository } from 'typeorm';
import { TooManyRequestsProblem, UnauthorizedProblem } from '../common/errors/problems';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { createRedis } from '../queue/redis';
import { User } from '../users/user.entity';
import { LoginDto, TokenResponse } from './login.dto';

const MAX_FAILURES = 5;
const FAILURE_WINDOW_SECONDS = 15 * 60;

@Injectable()
export class AuthService implements OnModuleDestroy {
  private readonly redis: Redis;

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
   * per account and client address: 5 in 15 minutes.
   */
  async verifyCredentials(dto: LoginDto, clientIp: string): Promise<User> {
    const email = dto.email.toLowerCase();
    const failuresKey = `${this.config.queuePrefix}:login-failures:${createHash('sha256').update(`${email}|${clientIp}`).digest('hex')}`;
    const failures = Number((await this.redis.get(failuresKey)) ?? 0);
    if (failures >= MAX_FAILURES)
      throw new TooManyRequestsProblem('Too many failed logins; try again later.');

    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email })
      .getOne();
    if (!user || !(await verify(user.passwordHash, dto.password))) {
      await this.redis.multi().incr(failuresKey).expire(failuresKey, FAILURE_WINDOW_SECONDS).exec();
      throw new UnauthorizedProblem('Wrong email or password.');
    }
    await this.redis.del(failuresKey);
    return user;
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
