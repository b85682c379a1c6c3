import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfirmationRequestsController } from './confirmation-requests.controller';
import { ConfirmationRequestsService } from './confirmation-requests.service';
import { ConfirmationRequest, Exemption, ExemptionTimelineEntry } from './exemption.entity';
import { ExemptionWorkflow } from './exemption-workflow.service';
import { ExemptionsController } from './exemptions.controller';
import { ExemptionsService } from './exemptions.service';

@Module({
  imports: [TypeOrmModule.forFeature([Exemption, ExemptionTimelineEntry, ConfirmationRequest])],
  controllers: [ExemptionsController, ConfirmationRequestsController],
  providers: [ExemptionWorkflow, ExemptionsService, ConfirmationRequestsService],
  exports: [ExemptionsService, ConfirmationRequestsService],
})
export class ExemptionsModule {}
