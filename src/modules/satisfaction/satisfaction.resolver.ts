import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../platform/auth/principal';
import { ConnectionType, type Connection } from '../../platform/graphql/connection';
import { HubContext, principalOf } from '../../platform/graphql/context';
import type { Hub } from '../../platform/hub';
import { Incident } from '../incidents/incident.entity';
import { Inspection } from '../inspections/inspection.entity';
import { SatisfactionService } from './satisfaction.service';
import { SatisfactionSurvey, SurveyStatus, SurveySubject } from './survey.entity';

export const SurveyConnection = ConnectionType(SatisfactionSurvey);

@Resolver(() => SatisfactionSurvey)
export class SatisfactionResolver {
  private readonly service: SatisfactionService;
  constructor(hub: Hub) {
    this.service = hub.get(SatisfactionService);
  }

  @Authorized()
  @Query(() => SurveyConnection, { description: 'Satisfaction surveys the key may see, newest first' })
  satisfactionSurveys(
    @Ctx() ctx: HubContext,
    @Arg('customerId', () => ID, { nullable: true }) customerId?: string,
    @Arg('status', () => SurveyStatus, { nullable: true }) status?: SurveyStatus,
    @Arg('subjectType', () => SurveySubject, { nullable: true }) subjectType?: SurveySubject,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<SatisfactionSurvey>> {
    return this.service.list(principalOf(ctx), { customerId, status, subjectType }, { first, after });
  }

  @Authorized()
  @Query(() => SatisfactionSurvey)
  satisfactionSurvey(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<SatisfactionSurvey> {
    return this.service.get(principalOf(ctx), id);
  }

  @Authorized(Role.CUSTOMER, Role.ADMIN, Role.OPERATOR)
  @Mutation(() => SatisfactionSurvey, { description: 'Answers a survey (staff: recording an answer given by phone)' })
  answerSatisfactionSurvey(
    @Arg('id', () => ID) id: string,
    @Arg('rating', () => Int, { description: '1 (poor) to 5 (excellent)' }) rating: number,
    @Ctx() ctx: HubContext,
    @Arg('comment', () => String, { nullable: true }) comment?: string,
  ): Promise<SatisfactionSurvey> {
    return this.service.answer(principalOf(ctx), id, rating, comment);
  }
}

/** The survey of a closed incident, on the incident (the incidents module owns the type). */
@Resolver(() => Incident)
export class IncidentSurveyResolver {
  @FieldResolver(() => SatisfactionSurvey, { nullable: true, description: 'Issued once the incident is closed' })
  satisfactionSurvey(@Root() incident: Incident, @Ctx() ctx: HubContext): Promise<SatisfactionSurvey | null> {
    return surveyLoader(ctx, SurveySubject.INCIDENT).load(incident.id);
  }
}

@Resolver(() => Inspection)
export class InspectionSurveyResolver {
  @FieldResolver(() => SatisfactionSurvey, { nullable: true, description: 'Issued once the report is submitted' })
  satisfactionSurvey(@Root() inspection: Inspection, @Ctx() ctx: HubContext): Promise<SatisfactionSurvey | null> {
    return surveyLoader(ctx, SurveySubject.INSPECTION).load(inspection.id);
  }
}

/** Reached through a subject the principal may see: the survey inherits its authorization. */
const surveyLoader = (ctx: HubContext, subject: SurveySubject) =>
  ctx.loaders.get<string, SatisfactionSurvey | null>(`survey.by${subject}`, (ids) =>
    ctx.hub.get(SatisfactionService).forSubjects(subject, ids),
  );
