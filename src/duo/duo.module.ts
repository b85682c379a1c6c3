import { Module } from '@nestjs/common';
import { ImportsModule } from '../imports/imports.module';
import { DuoController } from './duo.controller';
import { LoanAccountsImport, PaymentsImport } from './duo-imports';
import { DuoService } from './duo.service';

/** DUO data: loan accounts and payments imported from DUO, and the payments list. */
@Module({
  imports: [ImportsModule],
  controllers: [DuoController],
  providers: [DuoService, LoanAccountsImport, PaymentsImport],
})
export class DuoModule {}
