import { Role } from '../../src/platform/auth/principal';
import { collect, eventually, startTestHub, TestHub } from '../support/hub';
import { kafkaEnv, startHubKafka } from '../support/kafka-hub';
import { describeKafka, KafkaMock } from '../support/kafka-mock';

describeKafka('live updates across hub instances through Kafka', () => {
  let kafka: KafkaMock;
  let a: TestHub;
  let b: TestHub;

  beforeAll(async () => {
    kafka = await startHubKafka();
    a = await startTestHub({ env: kafkaEnv(kafka, { INSTANCE_ID: 'hub-a' }) });
    // Instance B shares A's database, as two replicas behind a load balancer do.
    b = await startTestHub({ db: a.db, env: kafkaEnv(kafka, { INSTANCE_ID: 'hub-b', MIGRATIONS_RUN: 'false' }) });
  }, 60_000);
  afterAll(async () => {
    await b?.stop({ drop: false });
    await a?.stop();
    await kafka?.stop();
  });

  it('delivers an update made through instance A to a subscriber on instance B', async () => {
    const customer = (await a.ok(`mutation { createCustomer(input: { code: "XI-1", name: "Cross Instance" }) { id } }`)).createCustomer.id;
    const customerKey = await b.createKey(Role.CUSTOMER, customer);
    const onB = collect(b.wsClient(customerKey), 'subscription { noticePublished { title customerId } }');
    const publish = (title: string) =>
      a.ok(
        `mutation($ids: [ID!]!, $title: String!) { publishNotice(input: { customerIds: $ids, kind: SERVICE_INFO, title: $title, body: "b" }) { id } }`,
        { ids: [customer], title },
      );
    // B's live consumer joins its own group asynchronously; publish until it is in.
    let n = 0;
    await eventually(
      async () => {
        await publish(`notice ${++n}`);
        await onB.waitFor(1, 1000);
        return onB.events.length;
      },
      (count) => count > 0,
      30_000,
      0,
    );
    const before = onB.events.length;
    await publish('after join');
    const events = await onB.waitFor(before + 1, 10_000);
    expect(events.at(-1)?.data).toEqual({ noticePublished: { title: 'after join', customerId: customer } });
    // Each notice arrives once on B, not once per path (local + Kafka).
    const titles = events.map((e) => e.data?.noticePublished.title);
    expect(new Set(titles).size).toBe(titles.length);
  }, 60_000);

  it('delivers one update to every channel it was published on: the customer and staff on instance B', async () => {
    const customer = (await a.ok(`mutation { createCustomer(input: { code: "XI-2", name: "Cross Instance Two" }) { id } }`)).createCustomer
      .id;
    const customerSub = collect(
      b.wsClient(await b.createKey(Role.CUSTOMER, customer)),
      'subscription { noticePublished { title customerId } }',
    );
    const staffSub = collect(b.wsClient(await b.createKey(Role.OPERATOR, null)), 'subscription { noticePublished { title customerId } }');
    const publish = (title: string) =>
      a.ok(
        `mutation($ids: [ID!]!, $title: String!) { publishNotice(input: { customerIds: $ids, kind: SERVICE_INFO, title: $title, body: "b" }) { id } }`,
        { ids: [customer], title },
      );
    let n = 0;
    await eventually(
      async () => {
        await publish(`both ${++n}`);
        await Promise.all([customerSub.waitFor(1, 1000), staffSub.waitFor(1, 1000)]);
        return Math.min(customerSub.events.length, staffSub.events.length);
      },
      (count) => count > 0,
      30_000,
      0,
    );
    const [c0, s0] = [customerSub.events.length, staffSub.events.length];
    await publish('both channels');
    const [onCustomer, onStaff] = await Promise.all([customerSub.waitFor(c0 + 1, 10_000), staffSub.waitFor(s0 + 1, 10_000)]);
    for (const events of [onCustomer, onStaff]) {
      expect(events.at(-1)?.data).toEqual({ noticePublished: { title: 'both channels', customerId: customer } });
      const titles = events.map((e) => e.data?.noticePublished.title);
      expect(new Set(titles).size).toBe(titles.length);
    }
  }, 60_000);
});
