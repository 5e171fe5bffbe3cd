import { IsOptional, Length, Matches } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IncidentEscalation } from '../incidents/incident.entity';
import { Severity, SlaClockKind } from '../sla/sla.enums';

export enum ReportPeriod {
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
  HALF_YEAR = 'HALF_YEAR',
  YEAR = 'YEAR',
}
registerEnumType(ReportPeriod, {
  name: 'ReportPeriod',
  description: 'How a report range is cut: calendar months, quarters, half years or years of the report time zone',
});

export enum SatisfactionGroupBy {
  CUSTOMER = 'CUSTOMER',
  CENTRE = 'CENTRE',
  ENGINEER = 'ENGINEER',
  PERIOD = 'PERIOD',
}
registerEnumType(SatisfactionGroupBy, { name: 'SatisfactionGroupBy' });

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

@InputType({ description: 'Civil dates, both inclusive, in the time zone; filters a tenant key may only narrow' })
export class ReportRangeInput {
  @Field({ description: 'YYYY-MM-DD' }) @Matches(ISO_DATE, { message: 'from must be YYYY-MM-DD' }) from: string;
  @Field({ description: 'YYYY-MM-DD (inclusive)' }) @Matches(ISO_DATE, { message: 'to must be YYYY-MM-DD' }) to: string;
  @Field(() => ReportPeriod, { defaultValue: ReportPeriod.MONTH }) period: ReportPeriod;
  @Field({ defaultValue: 'Asia/Shanghai' }) @Length(1, 64) timeZone: string;
  @Field(() => ID, { nullable: true, description: 'A CUSTOMER key: its own organisation (default)' }) @IsOptional() customerId?: string;
  @Field(() => ID, { nullable: true, description: 'Incidents and inspections only (RMAs, surveys and complaints carry no contract)' })
  @IsOptional()
  contractId?: string;
  @Field(() => ID, { nullable: true, description: 'Support centre working the cases' }) @IsOptional() centreId?: string;
}

@ObjectType('ReportScope', { description: 'What a report covered' })
export class ReportScopeView {
  @Field() from: string;
  @Field() to: string;
  @Field() timeZone: string;
  @Field(() => ReportPeriod) period: ReportPeriod;
  @Field(() => ID, { nullable: true }) customerId: string | null;
  @Field(() => ID, { nullable: true }) contractId: string | null;
  @Field(() => ID, { nullable: true }) centreId: string | null;
  @Field({
    description:
      'Outcomes still open are judged at this instant: the end of the range once it is over, so a closed period always gives the same numbers',
  })
  asOf: Date;
  @Field({ description: 'The range is over and every outcome in it is decided: the numbers will not change' }) final: boolean;
}

// ---- SLA compliance ------------------------------------------------------------

@ObjectType('SlaClockCompliance', { description: 'One clock kind: met/breached counts and business-hours times of clocks that stopped' })
export class ClockComplianceView {
  @Field(() => SlaClockKind) clock: string;
  @Field(() => Int, { description: 'Clocks with an outcome (met + breached)' }) measured: number;
  @Field(() => Int) met: number;
  @Field(() => Int) breached: number;
  @Field(() => Int, { description: 'Still running within the deadline' }) pending: number;
  @Field(() => Float, { nullable: true }) metPercent: number | null;
  @Field(() => Float, { nullable: true, description: 'Average business hours used (stopped clocks)' }) averageHours: number | null;
  @Field(() => Float, { nullable: true, description: '90th percentile (nearest rank) of business hours used' }) p90Hours: number | null;
}

@ObjectType('SlaSeverityCompliance')
export class SeverityComplianceView {
  @Field(() => Severity) severity: string;
  @Field(() => Int) incidents: number;
  @Field(() => [ClockComplianceView]) clocks: ClockComplianceView[];
}

@ObjectType('SlaComplianceFigures')
export class SlaFiguresView {
  @Field(() => Int, { description: 'Incidents reported in the period (cancelled ones excluded)' }) incidents: number;
  @Field(() => [ClockComplianceView]) clocks: ClockComplianceView[];
  @Field(() => [SeverityComplianceView], { description: "By the incident's severity now (after any escalation)" })
  bySeverity: SeverityComplianceView[];
}

@ObjectType('SlaCompliancePeriod')
export class SlaPeriodView {
  @Field() key: string;
  @Field() start: Date;
  @Field() end: Date;
  @Field(() => SlaFiguresView) figures: SlaFiguresView;
}

@ObjectType('SlaBreach', { description: 'A missed deadline and the escalations it caused' })
export class SlaBreachView {
  @Field(() => ID) incidentId: string;
  @Field() summary: string;
  @Field(() => Severity) severity: string;
  @Field(() => SlaClockKind) clock: string;
  @Field() target: string;
  @Field() dueAt: Date;
  @Field(() => Date, { nullable: true }) breachedAt: Date | null;
  @Field(() => Date, { nullable: true }) stoppedAt: Date | null;
  @Field(() => [IncidentEscalation]) escalations: IncidentEscalation[];
}

@ObjectType('SlaComplianceReport')
export class SlaComplianceReportView {
  @Field(() => ReportScopeView) scope: ReportScopeView;
  @Field(() => Int) cancelledIncidents: number;
  @Field(() => SlaFiguresView) total: SlaFiguresView;
  @Field(() => [SlaPeriodView]) periods: SlaPeriodView[];
  @Field(() => [SlaBreachView]) breaches: SlaBreachView[];
}

// ---- RMA and loaners -------------------------------------------------------------

@ObjectType('RmaLoanerFigures')
export class RmaFiguresView {
  @Field(() => Int, { description: 'RMAs requested in the period' }) rmas: number;
  @Field(() => Int, { description: 'With a working unit back at the customer' }) restored: number;
  @Field(() => Float, { nullable: true, description: 'Out of service → working unit back, in working days of the site calendar' })
  turnaroundAverageWorkingDays: number | null;
  @Field(() => Int, { nullable: true }) turnaroundP90WorkingDays: number | null;
  @Field(() => Int, { nullable: true }) turnaroundMaxWorkingDays: number | null;
  @Field(() => Int) loanerRequired: number;
  @Field(() => Int) loanerKept: number;
  @Field(() => Int) loanerLate: number;
  @Field(() => Int) loanerBreached: number;
  @Field(() => Int) loanerPending: number;
  @Field(() => Float, { nullable: true, description: 'Kept of kept + late + breached' }) loanerCompliancePercent: number | null;
  @Field(() => Int, { description: 'REPLACE_WITH_NEW because of a second qualifying failure in warranty' })
  secondFailureReplacements: number;
  @Field(() => Int) expired: number;
  @Field(() => Int, { description: 'Loans assigned in the period' }) loans: number;
  @Field(() => Int, { description: 'Returned after their due-back date, or still out past it' }) loansLate: number;
}

@ObjectType('RmaLoanerPeriod')
export class RmaPeriodView {
  @Field() key: string;
  @Field() start: Date;
  @Field() end: Date;
  @Field(() => RmaFiguresView) figures: RmaFiguresView;
}

@ObjectType('RmaReportLine')
export class RmaLineView {
  @Field() number: string;
  @Field() serialNumber: string;
  @Field() status: string;
  @Field() requestedAt: Date;
  @Field(() => ID, { nullable: true }) referenceRmaId: string | null;
  @Field(() => Date, { nullable: true }) replacedAt: Date | null;
  @Field(() => Date, { nullable: true }) expiredAt: Date | null;
  @Field(() => Int, { nullable: true }) turnaroundWorkingDays: number | null;
  @Field() loanerCompliance: string;
  @Field({ description: "The RMA's loaner deadline lies in a year the calendar has no data for: it assumed Monday-Friday" })
  calendarIncomplete: boolean;
}

@ObjectType('RmaLoanerReport')
export class RmaReportView {
  @Field(() => ReportScopeView) scope: ReportScopeView;
  @Field(() => RmaFiguresView) total: RmaFiguresView;
  @Field(() => [RmaPeriodView]) periods: RmaPeriodView[];
  @Field(() => [RmaLineView]) rmas: RmaLineView[];
}

// ---- inspections -------------------------------------------------------------------

@ObjectType('InspectionComplianceFigures')
export class InspectionFiguresView {
  @Field(() => Int, { description: 'Planned in the period (not cancelled)' }) planned: number;
  @Field(() => Int) preHoliday: number;
  @Field(() => Int) cancelled: number;
  @Field(() => Int) visited: number;
  @Field(() => Int) visitedOnTime: number;
  @Field(() => Int, { description: 'Visited after the due day, or not visited and past it' }) visitLate: number;
  @Field(() => Int) visitPending: number;
  @Field(() => Float, { nullable: true }) visitOnTimePercent: number | null;
  @Field(() => Int) reported: number;
  @Field(() => Int) reportedOnTime: number;
  @Field(() => Int, { description: 'Submitted late, or missing past the deadline' }) reportLate: number;
  @Field(() => Int) reportPending: number;
  @Field(() => Float, { nullable: true }) reportOnTimePercent: number | null;
}

@ObjectType('InspectionCompliancePeriod')
export class InspectionPeriodView {
  @Field() key: string;
  @Field() start: Date;
  @Field() end: Date;
  @Field(() => InspectionFiguresView) figures: InspectionFiguresView;
}

@ObjectType('InspectionComplianceReport')
export class InspectionReportView {
  @Field(() => ReportScopeView) scope: ReportScopeView;
  @Field(() => InspectionFiguresView) total: InspectionFiguresView;
  @Field(() => [InspectionPeriodView]) periods: InspectionPeriodView[];
}

// ---- satisfaction and complaints -----------------------------------------------------

@ObjectType('RatingFigures')
export class RatingFiguresView {
  @Field(() => Int) issued: number;
  @Field(() => Int) responses: number;
  @Field(() => Float, { nullable: true }) responseRatePercent: number | null;
  @Field(() => Float, { nullable: true }) average: number | null;
  @Field(() => [Int], { description: 'Answers rating 1, 2, 3, 4, 5' }) distribution: number[];
}

@ObjectType('SatisfactionGroup')
export class SatisfactionGroupView {
  @Field({ description: 'Customer id, centre id, engineer name or period key' }) key: string;
  @Field() label: string;
  @Field(() => RatingFiguresView) figures: RatingFiguresView;
}

@ObjectType('ComplaintCategoryCount')
export class CategoryCountView {
  @Field() category: string;
  @Field(() => Int) count: number;
}

@ObjectType('ComplaintFigures')
export class ComplaintFiguresView {
  @Field(() => Int) filed: number;
  @Field(() => [CategoryCountView]) byCategory: CategoryCountView[];
  @Field(() => Int) firstReplyMet: number;
  @Field(() => Int) firstReplyBreached: number;
  @Field(() => Int) firstReplyPending: number;
  @Field(() => Float, { nullable: true }) firstReplyMetPercent: number | null;
  @Field(() => Float, { nullable: true }) averageFirstReplyMinutes: number | null;
  @Field(() => Float, { nullable: true }) p90FirstReplyMinutes: number | null;
  @Field(() => Int) resolved: number;
  @Field(() => Int) resolutionMet: number;
  @Field(() => Int) resolutionBreached: number;
  @Field(() => Int) resolutionPending: number;
  @Field(() => Float, { nullable: true }) resolutionMetPercent: number | null;
  @Field(() => Int) handlingRated: number;
  @Field(() => Float, { nullable: true }) averageHandlingRating: number | null;
}

@ObjectType('ComplaintPeriod')
export class ComplaintPeriodView {
  @Field() key: string;
  @Field(() => ComplaintFiguresView) figures: ComplaintFiguresView;
}

@ObjectType('SatisfactionReport')
export class SatisfactionReportView {
  @Field(() => ReportScopeView) scope: ReportScopeView;
  @Field(() => SatisfactionGroupBy) groupBy: SatisfactionGroupBy;
  @Field(() => RatingFiguresView, { description: 'Surveys of incidents closed and inspections reported in the period' })
  ratings: RatingFiguresView;
  @Field(() => [SatisfactionGroupView]) groups: SatisfactionGroupView[];
  @Field(() => ComplaintFiguresView, { description: 'Complaints filed in the period' }) complaints: ComplaintFiguresView;
  @Field(() => [ComplaintPeriodView]) complaintPeriods: ComplaintPeriodView[];
}
