import type { HubModule } from '../../platform/hub';
import { RmaCalendars } from './links/calendar';
import { HeldRmaEvent, Rma, RmaCounter, RmaEvent, RmaPart, RmaStream } from './rma.entity';
import { JOB_LOANER_DEADLINE, JOB_VALIDITY_EXPIRY, RmaLifecycle } from './rma.lifecycle';
import { JOB_HELD_TIMEOUT, RmaEventProcessor } from './rma.processor';
import { RmaStreams } from './rma.streams';
import { RmaResolver } from './rma.resolver';
import { seedRmas } from './rma.seed';
import { RmaSettings } from './rma.settings';

interface RmaJobPayload {
  rmaId: string;
  number: string;
}

export const rmaModule: HubModule = {
  name: 'rma',
  entities: [Rma, RmaPart, RmaEvent, HeldRmaEvent, RmaCounter, RmaStream],
  resolvers: [RmaResolver],
  register(hub) {
    hub.get(RmaSettings); // fail at start-up on a bad RMA_* setting, not at the first event
    const lifecycle = hub.get(RmaLifecycle);
    const processor = hub.get(RmaEventProcessor);
    const streams = hub.get(RmaStreams);

    // Fires even when no event arrives: the repair has now exceeded its working-day threshold.
    hub.scheduler.register(JOB_LOANER_DEADLINE, async ({ job, tx, firedAt }) => {
      const { rmaId, number } = job.payload as unknown as RmaJobPayload;
      await streams.lock(tx, number);
      const rma = await tx.em.findOneBy(Rma, { id: rmaId });
      if (rma) await lifecycle.checkLoanerDeadline(tx, rma, firedAt);
    });
    hub.scheduler.register(JOB_VALIDITY_EXPIRY, async ({ job, tx, firedAt }) => {
      const { rmaId, number } = job.payload as unknown as RmaJobPayload;
      await streams.lock(tx, number);
      const rma = await tx.em.findOneBy(Rma, { id: rmaId });
      // Events held for an expired RMA can never apply now: they are dead-lettered at once.
      if (rma && (await lifecycle.expire(tx, rma, firedAt))) await processor.drainHeld(tx, number);
    });
    hub.scheduler.register(JOB_HELD_TIMEOUT, async ({ job, tx }) => {
      const { heldId, number } = job.payload as { heldId: string; number: string };
      await processor.expireHeld(tx, heldId, number);
    });
    hub.get(RmaCalendars).onChange((tx, region) => lifecycle.replanRegion(tx, region));
  },
  async start(hub) {
    const processor = hub.get(RmaEventProcessor);
    // Many events per transaction (RMA_INBOUND_BATCH_SIZE), their writes held back and sent as a few multi-row
    // statements before the commit. Their stream locks are held until then, so a GraphQL change of one of those RMAs
    // waits for the batch.
    await hub.bus.subscribeBatch(
      {
        topic: hub.config.kafka.topics.rmaInbound,
        groupId: `${hub.config.kafka.groupId}-rma`,
        maxBatchSize: hub.config.rma.inboundBatchSize,
      },
      (messages) => processor.handleBatch(messages),
    );
  },
  seed: seedRmas,
};

export { Rma, RmaEvent, RmaPart } from './rma.entity';
export { RmaService } from './rma.service';
