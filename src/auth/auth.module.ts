import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createSecretKey } from 'node:crypto';
import { AuthGuard } from '../common/auth/auth.guard';
import { TokenAuthenticator } from '../common/auth/token-authenticator';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { User } from '../users/user.entity';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([User]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // A KeyObject: given a string, jsonwebtoken first tries it as a public key on every request,
        // and building the error it throws cost more than the rest of the verification.
        secret: createSecretKey(Buffer.from(config.jwt.secret)),
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, TokenAuthenticator, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, TokenAuthenticator],
})
export class AuthModule {}
