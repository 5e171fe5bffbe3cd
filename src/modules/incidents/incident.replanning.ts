import { In, Not } from 'typeorm';
import type { Tx } from '../../platform/db/database';
import type { Hub } from '../../platform/hub';
import { CalendarService } from '../calendar/calendar.service';
import type { ServiceContract } from '../contracts/contract.entity';
import { IncidentChanges } from './incident-changes';
import { Incident } from './incident.entity';
import { IncidentEventType, IncidentStatus, IncidentUpdateKind } from './incident.enums';

/** Reactions to other modules' changes, in their transaction: a calendar or a contract's targets changed. */
export class IncidentReplanning {
  constructor(private readonly hub: Hub) {}

  private get calendars(): CalendarService {
    return this.hub.get(CalendarService);
  }
  private get changes(): IncidentChanges {
    return this.hub.get(IncidentChanges);
  }

  /** Holidays changed: deadlines of open business-hours incidents in the region move. */
  async onCalendarChanged(tx: Tx, region: string): Promise<void> {
    const open = await tx.em.find(Incident, {
      where: { calendarRegion: region, status: Not(In([IncidentStatus.CLOSED, IncidentStatus.CANCELLED])) },
      select: { id: true, coverage: true },
    });
    const affected = open.filter((i) => i.coverage.kind !== '24x7');
    if (affected.length === 0) return;
    const calendar = await this.calendars.calendar(region, tx.em);
    for (const { id } of affected) await this.changes.system(tx, id, 'calendar', new Date(), null, () => undefined, calendar);
  }

  /** New contract targets: open incidents re-baseline at their current severity, keeping used time and pauses. */
  async onContractChanged(tx: Tx, contract: ServiceContract): Promise<void> {
    const open = await tx.em.find(Incident, {
      where: { contractId: contract.id, status: Not(In([IncidentStatus.CLOSED, IncidentStatus.CANCELLED])) },
      select: { id: true },
    });
    for (const { id } of open) {
      await this.changes.system(tx, id, 'contract', new Date(), null, (w) => {
        this.changes.applySeverity(w, w.incident.severity);
        const message = `Targets re-baselined: contract ${contract.code} changed (version ${contract.version})`;
        w.event(IncidentEventType.TARGETS_CHANGED, message, { details: { contract: contract.code, version: contract.version } });
        w.update(IncidentUpdateKind.TARGETS_CHANGED, message);
      });
    }
  }
}
