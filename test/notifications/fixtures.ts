import type { TestHub } from '../support/hub';

export const CONTACT_FIELDS = 'id name level language customerId centreId email imChannel imWebhookHost';

export async function createContact(t: TestHub, input: Record<string, unknown>, key?: string): Promise<Record<string, any>> {
  const r = await t.ok(`mutation($i: CreateContactInput!) { createContact(input: $i) { ${CONTACT_FIELDS} } }`, { i: input }, key);
  return r.createContact;
}

export async function setPlan(t: TestHub, input: Record<string, unknown>): Promise<Record<string, any>> {
  const r = await t.ok(
    `mutation($i: EscalationPlanInput!) { setEscalationPlan(input: $i) { id contractId stepAfter stepDays levels { level contacts { id } } responseByChannel { channel response } } }`,
    { i: input },
  );
  return r.setEscalationPlan;
}

/** Notification rows straight from the database (what the sender works from). */
export async function notificationRows(t: TestHub, incidentId: string): Promise<Array<Record<string, any>>> {
  return t.app.hub.db.dataSource.query(
    `SELECT cause, contactId, channel, status, attempts, language, subject FROM notifications WHERE incidentId = ? ORDER BY createdAt, id`,
    [incidentId],
  );
}
