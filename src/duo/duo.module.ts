import { Module } from '@nestjs/common';
import { ImportsModule } from '../imports/imports.module';
import { DuoController } from './duo.controller';
import { ContractsImport, ExamResultsImport, LoanAccountsImport, PaymentsImport } from './duo-imports';
import { DuoService } from './duo.service';

/** DUO data: loan accounts, payments, contract records and exam results imported from DUO, and their lists. */
@Module({
  imports: [ImportsModule],
  controllers: [DuoController],
  providers: [DuoService, LoanAccountsImport, PaymentsImport, ContractsImport, ExamResultsImport],
})
export class DuoModule {}
