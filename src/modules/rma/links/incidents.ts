import type { EntityManager } from 'typeorm';
import { selectByIds } from '../../../platform/db/raw-sql';
import type { Hub } from '../../../platform/hub';
import { Incident } from '../../incidents/incident.entity';

export interface IncidentRef {
  id: string;
  customerId: string;
  siteId: string;
  deviceId: string | null;
  assignedCentreId: string | null;
}

/**
 * Reads incidents through the incidents module's entity (reads of another
 * module's rows are allowed; writes are not). A hub built without that module
 * has no incidents to check against, so an incident id is then taken as given.
 */
export class RmaIncidents {
  constructor(private readonly hub: Hub) {}

  get available(): boolean {
    return this.hub.db.dataSource.hasMetadata(Incident);
  }

  async find(em: EntityManager, id: string): Promise<IncidentRef | null | undefined> {
    if (!this.available) return undefined;
    return em.findOne(Incident, {
      where: { id },
      select: { id: true, customerId: true, siteId: true, deviceId: true, assignedCentreId: true },
    });
  }

  async byIds(ids: readonly string[]): Promise<Array<Incident | null>> {
    if (!this.available || ids.length === 0) return ids.map(() => null);
    const rows = await selectByIds(this.hub.db.manager, Incident, ids, { forUpdate: false });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }
}
