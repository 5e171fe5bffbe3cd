import { startKafkaMock, KafkaMock } from './kafka-mock';

/** The topics the hub uses, as the mock must pre-create them (it has no CreateTopics). */
export const HUB_TOPICS = ['rma.inbound', 'hub.events', 'hub.deadletter', 'hub.live'];

export async function startHubKafka(partitions = 3): Promise<KafkaMock> {
  return startKafkaMock({ topics: HUB_TOPICS.map((name) => ({ name, partitions })) });
}

/** Environment for a hub that talks to the given broker, tuned for quick group joins in tests. */
export function kafkaEnv(kafka: KafkaMock, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: kafka.bootstrap.join(','),
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    KAFKA_HEARTBEAT_MS: '500',
    KAFKA_MAX_WAIT_MS: '100',
    ...extra,
  };
}
