import type { HubModule } from '../../platform/hub';
import { Notice } from './notice.entity';
import { NoticeResolver } from './notices.resolver';

export const noticesModule: HubModule = {
  name: 'notices',
  entities: [Notice],
  resolvers: [NoticeResolver],
};
