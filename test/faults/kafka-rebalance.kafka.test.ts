/**
 * Consumer-group turbulence on rma.inbound, with two hub processes sharing the
 * database and the group:
 *
 *  - a second consumer joins while the first is in the middle of a large batch:
 *    the group rebalances, partitions move, and messages the first one handled
 *    but had not committed are delivered again to their new owner;
 *  - then every handler becomes slower than the session timeout (3 s): the test
 *    holds the database's write locks for longer than that, so the message in
 *    flight takes that long and no heartbeat is sent meanwhile. The members are
 *    evicted, their offset commits refused, and they rejoin and get the messages
 *    again while (or after) the slow handler committed them.
 *
 * In both cases each event must be applied exactly once (dedupe by eventId in
 * the effect's transaction). The processes run as children (hub-process.ts):
 * two hubs in one process cannot share a SQLite file (better-sqlite3 blocks the
 * event loop while it waits for the other's write lock).
 *
 * librdkafka mock limits: its group coordinator elects sessionTimeout-1 s after
 * a join (not the real rebalance protocol timings) and waits 3 s before the
 * first assignment; the test waits on observed joins (the hub logs each
 * GROUP_JOIN) rather than on times, and asserts on the end state, not on which
 * member handled what.
 */
import type { Producer } from 'kafkajs';
import type { Database } from '../../src/platform/db/database';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freezeWriters, openObserver } from '../support/db-faults';
import { eventually, startTestHub } from '../support/hub';
import { spawnHubProcess, type HubProcess } from '../support/hub-process';
import { describeKafka, startKafkaMock, type KafkaMock } from '../support/kafka-mock';
import { centreProducer, groupProgress, sendEnvelopes } from '../support/kafka-tools';
import { appliedCount, createStories, storyProblems, type Stories } from '../support/rma-stories';

const GROUP = `rebal-${Date.now().toString(36)}`;
const RMA_GROUP = `${GROUP}-rma`;
const SESSION_TIMEOUT_MS = 3000;

/** Group joins of a hub process's rma.inbound consumer, from its logs. */
const rmaJoins = (hub: HubProcess) => hub.logs.filter((l) => l.msg === 'kafka consumer joined group' && l.groupId === RMA_GROUP);

describeKafka('consumer group rebalances and slow handlers', () => {
  let kafka: KafkaMock;
  let db: TestDatabase;
  let observer: Database;
  let producer: Producer;
  let stories: Stories;
  const hubs: HubProcess[] = [];

  const spawn = async (instance: string) => {
    const hub = await spawnHubProcess({
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.bootstrap.join(','),
      KAFKA_GROUP_ID: GROUP,
      INSTANCE_ID: instance,
      KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      KAFKA_HEARTBEAT_MS: '300',
      KAFKA_MAX_WAIT_MS: '100',
      // One event per transaction: between two write-lock pulses a member applies a few events, not the topic.
      RMA_INBOUND_BATCH_SIZE: '1',
      MIGRATIONS_RUN: 'false',
      LOG_LEVEL: 'info', // the GROUP_JOIN lines
    });
    hubs.push(hub);
    return hub;
  };
  const applied = () => appliedCount(observer, stories.events);

  beforeAll(async () => {
    kafka = await startKafkaMock({
      topics: [
        { name: 'rma.inbound', partitions: 4 },
        { name: 'hub.events', partitions: 3 },
        { name: 'hub.deadletter', partitions: 1 },
        { name: 'hub.live', partitions: 1 },
      ],
    });
    db = await createTestDatabase();
    const setup = await startTestHub({ db });
    stories = await createStories(setup, 150, 'REBAL');
    await setup.stop({ drop: false });
    observer = await openObserver(db);
    producer = await centreProducer(kafka.bootstrap);
    await sendEnvelopes(producer, 'rma.inbound', stories.events);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(hubs.map((h) => h.kill()));
    await producer?.disconnect();
    await observer?.close();
    await db?.drop();
    await kafka?.stop();
  }, 30_000);

  it('applies each event once when a member joins mid-batch and when handlers outlast the session timeout', async () => {
    const total = stories.events.length;
    const a = await spawn('rebal-a');
    await eventually(applied, (n) => n >= 1, 45_000, 20);

    // A second member joins while A is inside its first batch (the whole topic). A new hub needs several
    // seconds to join (its own live-update group first, then the mock's election delay), and A could
    // finish the batch meanwhile: A is slowed down by pulses of write locks (1.2 s on, 10 ms off: A
    // applies one event per transaction, a few per pause; each pause is well under the session timeout, so A
    // keeps its membership) until B is in.
    let bJoined = false;
    const throttle = (async () => {
      while (!bJoined) {
        const pulse = await freezeWriters(db, 'between-transactions');
        await new Promise((r) => setTimeout(r, 1_200));
        await pulse.release();
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    let b: HubProcess;
    try {
      b = await spawn('rebal-b');
      await eventually(
        async () => [rmaJoins(a).length, rmaJoins(b).length],
        ([ja, jb]) => ja >= 2 && jb >= 1,
        45_000,
        100,
      );
    } finally {
      bJoined = true;
      await throttle;
    }
    const atRebalance = await applied();
    expect(atRebalance).toBeLessThan(total);

    // Both members' handlers now take longer than the session timeout (3 s; the mock checks sessions
    // every second). SQLite writers give up after the hub's busy_timeout (5 s): 4.5 s there, 6 s on MariaDB.
    const joinsBefore = rmaJoins(a).length + rmaJoins(b).length;
    const freeze = await freezeWriters(db, 'between-transactions');
    await new Promise((r) => setTimeout(r, db.dialect === 'sqlite' ? 4_500 : 6_000));
    await freeze.release();
    const atSlowHandler = await applied();
    expect(atSlowHandler).toBeLessThan(total);
    // The slow members lost their session and joined again.
    await eventually(
      async () => rmaJoins(a).length + rmaJoins(b).length,
      (n) => n > joinsBefore,
      30_000,
      100,
    );

    await eventually(applied, (n) => n === total, 60_000, 100);
    await eventually(
      () => groupProgress(kafka.bootstrap, RMA_GROUP, 'rma.inbound'),
      (p) => p.committed === total,
      30_000,
      200,
    );
    await Promise.all([a.stop(), b.stop()]);

    expect(await storyProblems(observer, stories)).toEqual([]);
    console.log(JSON.stringify({ total, atRebalance, atSlowHandler, joins: { a: rmaJoins(a).length, b: rmaJoins(b).length } }));
  }, 120_000);
});
