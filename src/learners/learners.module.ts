import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BsnCryptoService } from '../common/bsn/bsn-crypto.service';
import { Learner } from './learner.entity';
import { LearnersController } from './learners.controller';
import { LearnersService } from './learners.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Learner])],
  controllers: [LearnersController],
  providers: [LearnersService, BsnCryptoService],
  exports: [LearnersService, BsnCryptoService],
})
export class LearnersModule {}
