import { Module } from '@nestjs/common';
import { ImportsModule } from '../imports/imports.module';
import { DuoController } from './duo.controller';
import { ContractsImport, LoanAccountsImport, PaymentsImport } from './duo-imports';
import { DuoService } from './duo.service';

/** DUO data: loan accounts, payments and contract records imported from DUO, and their lists. */
@Module({
  imports: [ImportsModule],
  controllers: [DuoController],
  providers: [DuoService, LoanAccountsImport, PaymentsImport, ContractsImport],
})
export class DuoModule {}
