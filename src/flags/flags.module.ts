import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Flag, FlagEvent } from './flag.entity';
import { FlagWriter } from './flag-writer';
import { FlagsController } from './flags.controller';
import { FlagsService } from './flags.service';

@Module({
  imports: [TypeOrmModule.forFeature([Flag, FlagEvent])],
  controllers: [FlagsController],
  providers: [FlagsService, FlagWriter],
  exports: [FlagsService, FlagWriter],
})
export class FlagsModule {}
