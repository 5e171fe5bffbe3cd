import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { betterSqlite3 } from '../../src/platform/db/better-sqlite3';

export const TICKET_STATES = ['NEW', 'IN_PROGRESS', 'ON_HOLD', 'RESOLVED', 'CLOSED', 'CANCELED'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export interface ConfigurationItem {
  sysId: string;
  serialNumber: string;
  name: string;
  company: string;
  location: string;
  ownerTeam: string;
  onCall: string;
  status: string;
  updatedAt: string;
}

export interface TicketComment {
  id: string;
  author: string;
  body: string;
  createdAt: string;
}

export interface Ticket {
  sysId: string;
  number: string;
  shortDescription: string;
  description: string | null;
  state: TicketState;
  priority: number;
  assignmentGroup: string | null;
  configurationItem: string | null;
  correlationId: string | null;
  /** The customer's rating when it confirms the ticket closed (1-5), if it gave one. */
  satisfaction: number | null;
  openedAt: string;
  updatedAt: string;
  comments: TicketComment[];
}

export interface TicketChange {
  seq: number;
  ticketNumber: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  changedBy: string;
  changedAt: string;
}

export interface MaintenanceWindow {
  serialNumber: string;
  startsAt: string;
  endsAt: string;
  reason: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cmdb_ci (
  sys_id TEXT PRIMARY KEY, serial_number TEXT NOT NULL UNIQUE, name TEXT NOT NULL, company TEXT NOT NULL,
  location TEXT NOT NULL, owner_team TEXT NOT NULL, on_call TEXT NOT NULL, status TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (
  sys_id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, short_description TEXT NOT NULL, description TEXT,
  state TEXT NOT NULL, priority INTEGER NOT NULL, assignment_group TEXT, configuration_item TEXT, correlation_id TEXT,
  satisfaction INTEGER, opened_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_tickets_updated ON tickets(updated_at);
CREATE TABLE IF NOT EXISTS ticket_comments (
  id TEXT PRIMARY KEY, ticket_number TEXT NOT NULL, author TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ticket_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, ticket_number TEXT NOT NULL, field TEXT NOT NULL, old_value TEXT, new_value TEXT,
  changed_by TEXT NOT NULL, changed_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS maintenance_windows (
  serial_number TEXT NOT NULL, starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

type Row = Record<string, unknown>;
const ci = (r: Row): ConfigurationItem => ({
  sysId: r.sys_id as string,
  serialNumber: r.serial_number as string,
  name: r.name as string,
  company: r.company as string,
  location: r.location as string,
  ownerTeam: r.owner_team as string,
  onCall: r.on_call as string,
  status: r.status as string,
  updatedAt: r.updated_at as string,
});

/** The ITSM's own storage: one SQLite file (or memory), nothing shared with the hub. */
export class ItsmStore {
  readonly db: Database.Database;

  constructor(file = ':memory:') {
    this.db = new (betterSqlite3())(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
    // A store file from before satisfaction existed.
    const columns = this.db.prepare('PRAGMA table_info(tickets)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'satisfaction')) this.db.exec('ALTER TABLE tickets ADD COLUMN satisfaction INTEGER');
  }

  close(): void {
    this.db.close();
  }

  isEmpty(): boolean {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM cmdb_ci').get() as { n: number }).n === 0;
  }

  upsertConfigurationItem(item: Omit<ConfigurationItem, 'sysId' | 'updatedAt'>): ConfigurationItem {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO cmdb_ci (sys_id, serial_number, name, company, location, owner_team, on_call, status, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(serial_number) DO UPDATE SET name = excluded.name, company = excluded.company, location = excluded.location,
           owner_team = excluded.owner_team, on_call = excluded.on_call, status = excluded.status, updated_at = excluded.updated_at`,
      )
      .run(
        randomUUID().replace(/-/g, ''),
        item.serialNumber,
        item.name,
        item.company,
        item.location,
        item.ownerTeam,
        item.onCall,
        item.status,
        now,
      );
    return this.configurationItem(item.serialNumber)!;
  }

  configurationItem(serialNumber: string): ConfigurationItem | null {
    const row = this.db.prepare('SELECT * FROM cmdb_ci WHERE serial_number = ?').get(serialNumber) as Row | undefined;
    return row ? ci(row) : null;
  }

  listConfigurationItems(filter: { serialNumbers?: string[]; company?: string; updatedSince?: string }): ConfigurationItem[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.serialNumbers?.length) {
      where.push(`serial_number IN (${filter.serialNumbers.map(() => '?').join(', ')})`);
      params.push(...filter.serialNumbers);
    }
    if (filter.company) {
      where.push('company = ?');
      params.push(filter.company);
    }
    if (filter.updatedSince) {
      where.push('updated_at > ?');
      params.push(filter.updatedSince);
    }
    const sql = `SELECT * FROM cmdb_ci ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY serial_number LIMIT 1000`;
    return (this.db.prepare(sql).all(...params) as Row[]).map(ci);
  }

  private nextTicketNumber(): string {
    const row = this.db
      .prepare(`INSERT INTO counters (name, value) VALUES ('ticket', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value`)
      .get() as { value: number };
    return `INC${String(row.value).padStart(7, '0')}`;
  }

  private comments(number: string): TicketComment[] {
    return (this.db.prepare('SELECT * FROM ticket_comments WHERE ticket_number = ? ORDER BY created_at, id').all(number) as Row[]).map(
      (r) => ({
        id: r.id as string,
        author: r.author as string,
        body: r.body as string,
        createdAt: r.created_at as string,
      }),
    );
  }

  private toTicket(r: Row): Ticket {
    return {
      sysId: r.sys_id as string,
      number: r.number as string,
      shortDescription: r.short_description as string,
      description: (r.description as string | null) ?? null,
      state: r.state as TicketState,
      priority: r.priority as number,
      assignmentGroup: (r.assignment_group as string | null) ?? null,
      configurationItem: (r.configuration_item as string | null) ?? null,
      correlationId: (r.correlation_id as string | null) ?? null,
      satisfaction: (r.satisfaction as number | null) ?? null,
      openedAt: r.opened_at as string,
      updatedAt: r.updated_at as string,
      comments: this.comments(r.number as string),
    };
  }

  ticket(number: string): Ticket | null {
    const row = this.db.prepare('SELECT * FROM tickets WHERE number = ?').get(number) as Row | undefined;
    return row ? this.toTicket(row) : null;
  }

  listTickets(filter: {
    updatedSince?: string;
    state?: string;
    correlationId?: string;
    assignmentGroup?: string;
    limit?: number;
  }): Ticket[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.updatedSince) {
      where.push('updated_at > ?');
      params.push(filter.updatedSince);
    }
    if (filter.state) {
      where.push('state = ?');
      params.push(filter.state);
    }
    if (filter.correlationId) {
      where.push('correlation_id = ?');
      params.push(filter.correlationId);
    }
    if (filter.assignmentGroup) {
      where.push('assignment_group = ?');
      params.push(filter.assignmentGroup);
    }
    const sql = `SELECT * FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at, number LIMIT ?`;
    return (this.db.prepare(sql).all(...params, filter.limit ?? 100) as Row[]).map((r) => this.toTicket(r));
  }

  private journal(number: string, field: string, oldValue: unknown, newValue: unknown, by: string, at: string): void {
    this.db
      .prepare('INSERT INTO ticket_changes (ticket_number, field, old_value, new_value, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(number, field, oldValue == null ? null : String(oldValue), newValue == null ? null : String(newValue), by, at);
  }

  createTicket(
    input: {
      shortDescription: string;
      description?: string | null;
      state?: TicketState;
      priority?: number;
      assignmentGroup?: string | null;
      configurationItem?: string | null;
      correlationId?: string | null;
      number?: string;
    },
    by: string,
  ): Ticket {
    return this.db.transaction(() => {
      const number = input.number ?? this.nextTicketNumber();
      const now = new Date().toISOString();
      this.db
        .prepare(
          `INSERT INTO tickets (sys_id, number, short_description, description, state, priority, assignment_group, configuration_item, correlation_id, opened_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          randomUUID().replace(/-/g, ''),
          number,
          input.shortDescription,
          input.description ?? null,
          input.state ?? 'NEW',
          input.priority ?? 3,
          input.assignmentGroup ?? null,
          input.configurationItem ?? null,
          input.correlationId ?? null,
          now,
          now,
        );
      this.journal(number, 'created', null, input.state ?? 'NEW', by, now);
      return this.ticket(number)!;
    })();
  }

  /** Applies the given fields; every changed field lands in the change journal. Null when no such ticket. */
  updateTicket(
    number: string,
    patch: Partial<
      Pick<Ticket, 'shortDescription' | 'description' | 'state' | 'priority' | 'assignmentGroup' | 'correlationId' | 'satisfaction'>
    >,
    by: string,
  ): Ticket | null {
    // Satisfaction before state: a closure with a rating journals the rating first.
    const columns: Record<string, string> = {
      shortDescription: 'short_description',
      description: 'description',
      satisfaction: 'satisfaction',
      state: 'state',
      priority: 'priority',
      assignmentGroup: 'assignment_group',
      correlationId: 'correlation_id',
    };
    return this.db.transaction(() => {
      const current = this.ticket(number);
      if (!current) return null;
      const now = new Date().toISOString();
      let changed = false;
      for (const [field, column] of Object.entries(columns)) {
        const value = (patch as Record<string, unknown>)[field];
        if (value === undefined || value === (current as unknown as Record<string, unknown>)[field]) continue;
        this.db.prepare(`UPDATE tickets SET ${column} = ? WHERE number = ?`).run(value, number);
        this.journal(number, field, (current as unknown as Record<string, unknown>)[field], value, by, now);
        changed = true;
      }
      if (changed) this.db.prepare('UPDATE tickets SET updated_at = ? WHERE number = ?').run(now, number);
      return this.ticket(number);
    })();
  }

  addComment(number: string, comment: { author: string; body: string }, by: string): TicketComment | null {
    return this.db.transaction(() => {
      if (!this.ticket(number)) return null;
      const now = new Date().toISOString();
      const id = randomUUID();
      this.db
        .prepare('INSERT INTO ticket_comments (id, ticket_number, author, body, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(id, number, comment.author, comment.body, now);
      this.db.prepare('UPDATE tickets SET updated_at = ? WHERE number = ?').run(now, number);
      this.journal(number, 'comment', null, comment.body, by, now);
      return { id, author: comment.author, body: comment.body, createdAt: now };
    })();
  }

  /** The change journal after a point: by time (`since`, exclusive) and/or by sequence (`afterSeq`, exact cursor). */
  changes(filter: { since?: string; afterSeq?: number; limit?: number }): TicketChange[] {
    const rows = this.db
      .prepare('SELECT * FROM ticket_changes WHERE changed_at > ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(filter.since ?? '', filter.afterSeq ?? 0, filter.limit ?? 500) as Row[];
    return rows.map((r) => ({
      seq: r.seq as number,
      ticketNumber: r.ticket_number as string,
      field: r.field as string,
      oldValue: (r.old_value as string | null) ?? null,
      newValue: (r.new_value as string | null) ?? null,
      changedBy: r.changed_by as string,
      changedAt: r.changed_at as string,
    }));
  }

  addMaintenanceWindow(window: MaintenanceWindow): void {
    this.db
      .prepare('INSERT INTO maintenance_windows (serial_number, starts_at, ends_at, reason) VALUES (?, ?, ?, ?)')
      .run(window.serialNumber, window.startsAt, window.endsAt, window.reason);
  }

  maintenanceWindows(serialNumber: string): MaintenanceWindow[] {
    return (this.db.prepare('SELECT * FROM maintenance_windows WHERE serial_number = ? ORDER BY starts_at').all(serialNumber) as Row[]).map(
      (r) => ({
        serialNumber: r.serial_number as string,
        startsAt: r.starts_at as string,
        endsAt: r.ends_at as string,
        reason: r.reason as string,
      }),
    );
  }
}
