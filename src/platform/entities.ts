import { ApiKey } from './auth/api-key.entity';
import { DeadLetter } from './outbox/dead-letter.entity';
import { Lease, OutboxMessage, ProcessedEvent } from './outbox/outbox.entity';
import { ScheduledJob } from './scheduler/scheduled-job.entity';
import { PlatformResolver } from './graphql/platform.resolver';

export const platformEntities = [ApiKey, OutboxMessage, ProcessedEvent, Lease, DeadLetter, ScheduledJob];
export const platformResolvers = [PlatformResolver];
