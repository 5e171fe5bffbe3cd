import { ArrayMaxSize, ArrayMinSize, Length } from 'class-validator';
import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { isStaff, Role } from '../../platform/auth/principal';
import { canSee } from '../../platform/auth/scope';
import { HubContext, principalOf } from '../../platform/graphql/context';
import type { Hub } from '../../platform/hub';
import { Notice, NoticeKind } from './notice.entity';
import { ALL_CUSTOMERS, NOTICE_PUBLISHED, NoticePayload, NoticesService } from './notices.service';

@InputType()
class PublishNoticeInput {
  @Field(() => [ID]) @ArrayMinSize(1) @ArrayMaxSize(1000) customerIds: string[];
  @Field(() => NoticeKind) kind: NoticeKind;
  @Field() @Length(1, 200) title: string;
  @Field() @Length(1, 20000) body: string;
}

@Resolver(() => Notice)
export class NoticeResolver {
  private readonly service: NoticesService;
  constructor(hub: Hub) {
    this.service = hub.get(NoticesService);
  }

  @Authorized()
  @Query(() => [Notice], { description: 'Newest notices the key may see' })
  notices(@Ctx() ctx: HubContext, @Arg('first', () => Int, { defaultValue: 50 }) first: number): Promise<Notice[]> {
    return this.service.list(principalOf(ctx), first);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => [Notice])
  publishNotice(@Ctx() ctx: HubContext, @Arg('input') input: PublishNoticeInput): Promise<Notice[]> {
    return this.service.publish({ ...input, publishedBy: principalOf(ctx).name });
  }

  @Authorized()
  @Subscription(() => Notice, {
    topics: NOTICE_PUBLISHED,
    // A customer listens on its own channel; staff on the channel that carries every customer's notices.
    topicId: ({ context }: { context: HubContext }) =>
      isStaff(context.principal) ? ALL_CUSTOMERS : (context.principal?.scopeId ?? 'none'),
    // Re-checked per event: a key revoked or re-scoped mid-stream stops seeing notices.
    filter: ({ payload, context }: { payload: NoticePayload; context: HubContext }) => canSee(context.principal, Notice, payload),
    description: 'Notices as they are published',
  })
  noticePublished(@Root() payload: NoticePayload): Notice {
    return { ...payload, publishedAt: new Date(payload.publishedAt) };
  }
}
