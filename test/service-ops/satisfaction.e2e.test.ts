import { Role } from '../../src/platform/auth/principal';
import { SatisfactionService } from '../../src/modules/satisfaction/satisfaction.service';
import { assignToCustomer, CALM_7X24, createContract, createWorld, report, World } from '../incidents/fixtures';
import { eventually, startTestHub, TestHub } from '../support/hub';

const SURVEY = `satisfactionSurvey { id status subjectType rating comment engineer source answeredBy customerId }`;

describe('satisfaction surveys', () => {
  let t: TestHub;
  let w: World;

  const surveyOf = async (incidentId: string, key?: string) =>
    (await t.ok(`query($id: ID!) { incident(id: $id) { status ${SURVEY} } }`, { id: incidentId }, key)).incident.satisfactionSurvey;

  /** An incident worked by an engineer key up to RESTORED. */
  async function restored(engineerKey: string): Promise<string> {
    const incident = await report(t, { deviceSerial: w.deviceA1.serial }, w.keyA);
    await t.ok(`mutation($id: ID!) { acknowledgeIncident(id: $id) { status } }`, { id: incident.id });
    await t.ok(`mutation($id: ID!) { transitionIncident(id: $id, to: ON_SITE) { status } }`, { id: incident.id }, engineerKey);
    await t.ok(`mutation($id: ID!) { transitionIncident(id: $id, to: RESTORED) { status } }`, { id: incident.id }, engineerKey);
    return incident.id;
  }

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t);
    const contract = await createContract(t, { plan: CALM_7X24 });
    await assignToCustomer(t, contract, w.customerA);
  });
  afterAll(() => t?.stop());

  it('links the rating given when the customer confirms the closure, crediting the engineer who restored service', async () => {
    const engineer = await t.app.hub.apiKeys.create({ role: Role.OPERATOR, name: 'engineer zhao' });
    const id = await restored(engineer.key);
    expect(await surveyOf(id)).toBeNull();
    await t.ok(
      `mutation($id: ID!) { confirmIncidentClosure(id: $id, satisfaction: 5, comment: "Fast and friendly") { status } }`,
      { id },
      w.keyA,
    );
    // Issued on the closure's live update, not at the next sweep.
    const survey = await eventually(
      () => surveyOf(id, w.keyA),
      (s) => s !== null,
      5000,
      50,
    );
    expect(survey).toMatchObject({
      status: 'ANSWERED',
      subjectType: 'INCIDENT',
      rating: 5,
      comment: 'Fast and friendly',
      engineer: 'engineer zhao',
      source: 'CLOSURE',
      customerId: w.customerA,
    });
    const again = await t.gql(`mutation($id: ID!) { answerSatisfactionSurvey(id: $id, rating: 1) { status } }`, { id: survey.id }, w.keyA);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_ANSWERED' });
  });

  it('issues an open survey when the incident closed without a rating; the customer answers it', async () => {
    const id = await restored(t.adminKey);
    await t.ok(`mutation($id: ID!) { closeIncidentWithConsent(id: $id, consentReference: "call 2026-03-02 10:14") { status } }`, { id });
    const survey = await eventually(
      () => surveyOf(id),
      (s) => s !== null,
      5000,
      50,
    );
    expect(survey).toMatchObject({ status: 'ISSUED', rating: null, engineer: 'test admin', source: null });
    // Another customer cannot see or answer it.
    const foreign = await t.gql(
      `mutation($id: ID!) { answerSatisfactionSurvey(id: $id, rating: 1) { status } }`,
      { id: survey.id },
      w.keyB,
    );
    expect(foreign.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const bad = await t.gql(`mutation($id: ID!) { answerSatisfactionSurvey(id: $id, rating: 6) { status } }`, { id: survey.id }, w.keyA);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rating' });
    const answered = await t.ok(
      `mutation($id: ID!) { answerSatisfactionSurvey(id: $id, rating: 3, comment: "Took two visits") { status rating comment source } }`,
      { id: survey.id },
      w.keyA,
    );
    expect(answered.answerSatisfactionSurvey).toEqual({ status: 'ANSWERED', rating: 3, comment: 'Took two visits', source: 'SURVEY' });
    const listB = await t.ok(`{ satisfactionSurveys(first: 10) { totalCount } }`, {}, w.keyB);
    expect(listB.satisfactionSurveys.totalCount).toBe(0);
    const listA = await t.ok(`{ satisfactionSurveys(first: 10, status: ANSWERED) { totalCount } }`, {}, w.keyA);
    expect(listA.satisfactionSurveys.totalCount).toBe(2);
  });

  it('the durable sweep issues surveys the live nudge missed (e.g. a crash right after the closure committed)', async () => {
    const id = await restored(t.adminKey);
    await t.ok(`mutation($id: ID!) { closeIncidentWithConsent(id: $id, consentReference: "email 4711", satisfaction: 4) { status } }`, {
      id,
    });
    await eventually(
      () => surveyOf(id),
      (s) => s !== null,
      5000,
      50,
    );
    // Simulate the lost nudge: the survey row never got written.
    await t.app.hub.db.dataSource.query(`DELETE FROM satisfaction_surveys WHERE subjectId = ?`, [id]);
    expect(await surveyOf(id)).toBeNull();
    const issued = await t.app.hub.db.transaction((tx) => t.app.hub.get(SatisfactionService).sweep(tx));
    expect(issued).toBe(1);
    expect(await surveyOf(id)).toMatchObject({ status: 'ANSWERED', rating: 4, source: 'CLOSURE' });
    expect(await t.app.hub.db.transaction((tx) => t.app.hub.get(SatisfactionService).sweep(tx))).toBe(0);
    // The sweep runs as a durable job.
    expect((await t.app.hub.scheduler.pending()).some((j) => j.kind === 'satisfaction.sweep')).toBe(true);
  });
});
