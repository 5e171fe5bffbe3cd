import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { HubContext, principalOf } from '../../platform/graphql/context';
import type { Hub } from '../../platform/hub';
import { ReportsService } from './reports.service';
import {
  InspectionReportView,
  ReportRangeInput,
  RmaReportView,
  SatisfactionGroupBy,
  SatisfactionReportView,
  SlaComplianceReportView,
} from './reports.views';

/** Every report is open to every key and scoped to it: a customer reports on itself, a partner centre on its own work. */
@Resolver()
export class ReportsResolver {
  private readonly service: ReportsService;
  constructor(hub: Hub) {
    this.service = hub.get(ReportsService);
  }

  @Authorized()
  @Query(() => SlaComplianceReportView, {
    description:
      'Incidents reported in the range: response/on-site/restore met %, business-hours times, breaches (also /reports/sla-compliance.csv|.html)',
  })
  slaComplianceReport(@Arg('range') range: ReportRangeInput, @Ctx() ctx: HubContext): Promise<SlaComplianceReportView> {
    return this.service.slaCompliance(principalOf(ctx), range);
  }

  @Authorized()
  @Query(() => RmaReportView, {
    description:
      'RMAs requested in the range: turnaround in working days, loaner rule, second failures, expiries (also /reports/rma-loaners.csv|.html)',
  })
  rmaLoanerReport(@Arg('range') range: ReportRangeInput, @Ctx() ctx: HubContext): Promise<RmaReportView> {
    return this.service.rmaLoaner(principalOf(ctx), range);
  }

  @Authorized()
  @Query(() => InspectionReportView, {
    description: 'Inspections planned in the range vs visited vs reported on time (also /reports/inspections.csv|.html)',
  })
  inspectionComplianceReport(@Arg('range') range: ReportRangeInput, @Ctx() ctx: HubContext): Promise<InspectionReportView> {
    return this.service.inspections(principalOf(ctx), range);
  }

  @Authorized()
  @Query(() => SatisfactionReportView, {
    description:
      'Satisfaction ratings by customer, centre, engineer or period, and complaint handling (also /reports/satisfaction.csv|.html)',
  })
  satisfactionReport(
    @Arg('range') range: ReportRangeInput,
    @Ctx() ctx: HubContext,
    @Arg('groupBy', () => SatisfactionGroupBy, { defaultValue: SatisfactionGroupBy.CUSTOMER }) groupBy: SatisfactionGroupBy,
  ): Promise<SatisfactionReportView> {
    return this.service.satisfaction(principalOf(ctx), range, groupBy);
  }
}
