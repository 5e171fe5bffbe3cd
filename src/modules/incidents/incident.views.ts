import { Field, Float, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../platform/graphql/connection';
import { DistanceClass } from '../customers/customer.entity';
import { Incident } from './incident.entity';
import { IncidentUpdateKind, SlaClockState } from './incident.enums';
import { Severity, SlaClockKind } from '../sla/sla.enums';

@ObjectType('ClockPause')
export class ClockPauseView {
  @Field() from: Date;
  @Field(() => Date, { nullable: true, description: 'Null while the pause lasts' }) to: Date | null;
  @Field(() => String, { nullable: true }) reason: string | null;
}

@ObjectType('SlaClock', { description: 'One SLA clock; all durations are business (covered) time in milliseconds' })
export class SlaClockView {
  @Field(() => SlaClockKind) kind: SlaClockKind;
  @Field(() => SlaClockState) state: SlaClockState;
  @Field({ description: 'ISO-8601 target from the contract, e.g. PT4H' }) target: string;
  @Field(() => Float) budgetMs: number;
  @Field() startedAt: Date;
  @Field({ description: 'Deadline (while paused: the deadline if it resumed now; once stopped: the one in force)' }) dueAt: Date;
  @Field() met: boolean;
  @Field() breached: boolean;
  @Field(() => Date, { nullable: true }) breachedAt: Date | null;
  @Field() paused: boolean;
  @Field(() => Date, { nullable: true }) stoppedAt: Date | null;
  @Field(() => Float, { description: 'Business time used so far' }) usedMs: number;
  @Field(() => Float, { description: 'Business time left before the deadline' }) remainingMs: number;
  @Field(() => Float) overdueMs: number;
  @Field({ description: 'At or past the warning share of the budget, still running' }) warning: boolean;
  @Field() calendarIncomplete: boolean;
  @Field(() => [ClockPauseView], {
    description: 'Pauses (awaiting the customer, reopen gaps); they accumulate over severity and contract changes',
  })
  pauses: ClockPauseView[];
}

@ObjectType('SlaDeadline')
export class SlaDeadlineView {
  @Field(() => SlaClockKind) clock: SlaClockKind;
  @Field() target: string;
  @Field(() => Float, { description: 'The target as business milliseconds (P1D = one working day of the coverage)' }) budgetMs: number;
  @Field({ description: 'When the clock would start counting (the next covered instant)' }) startsAt: Date;
  @Field() dueAt: Date;
  @Field() calendarIncomplete: boolean;
}

@ObjectType('SlaPreview', { description: 'The deadlines an incident reported at `at` would get' })
export class SlaPreviewView {
  @Field(() => ID) contractId: string;
  @Field(() => Severity) severity: Severity;
  @Field() at: Date;
  @Field() timeZone: string;
  @Field() calendarRegion: string;
  @Field(() => DistanceClass) distanceClass: DistanceClass;
  @Field() coverage: string;
  @Field(() => SlaDeadlineView) response: SlaDeadlineView;
  @Field(() => SlaDeadlineView, { nullable: true, description: 'Null for remote-only plans' }) onSite: SlaDeadlineView | null;
  @Field(() => SlaDeadlineView) restore: SlaDeadlineView;
  @Field({ description: 'Some deadline lies in a year the calendar has no data for; it assumed Monday-Friday' })
  calendarIncomplete: boolean;
}

@ObjectType('IncidentUpdate', { description: 'A live change to an incident' })
export class IncidentUpdateView {
  @Field(() => IncidentUpdateKind) kind: IncidentUpdateKind;
  @Field(() => Incident, { description: 'The incident as it was right after the change' }) incident: Incident;
  @Field() message: string;
  @Field() at: Date;
  @Field(() => SlaClockKind, { nullable: true }) clock: SlaClockKind | null;
}

export const IncidentConnection = ConnectionType(Incident);
