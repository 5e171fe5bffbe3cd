import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { IdColumn, IntColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';

export enum SurveySubject {
  INCIDENT = 'INCIDENT',
  INSPECTION = 'INSPECTION',
}
registerEnumType(SurveySubject, { name: 'SurveySubject' });

export enum SurveyStatus {
  ISSUED = 'ISSUED',
  ANSWERED = 'ANSWERED',
}
registerEnumType(SurveyStatus, { name: 'SurveyStatus' });

export enum SurveySource {
  /** Answered through answerSatisfactionSurvey. */
  SURVEY = 'SURVEY',
  /** The rating given with confirmIncidentClosure / closeIncidentWithConsent, linked rather than asked again. */
  CLOSURE = 'CLOSURE',
}
registerEnumType(SurveySource, { name: 'SurveySource' });

/**
 * One satisfaction survey per closed incident and per reported inspection.
 * Centre and engineer are copied at issue time so aggregates do not change
 * when an incident is later reassigned.
 */
@ObjectType({ description: 'A satisfaction survey about one closed incident or one inspection' })
@Entity('satisfaction_surveys')
@Index('uq_satisfaction_surveys_subject', ['subjectType', 'subjectId'], { unique: true })
@Index('ix_satisfaction_surveys_customer', ['customerId', 'subjectClosedAt'])
@Index('ix_satisfaction_surveys_centre', ['centreId', 'subjectClosedAt'])
@TenantScoped({ CUSTOMER: 'customerId', PARTNER: 'centreId' })
export class SatisfactionSurvey {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => SurveySubject) @TextColumn(16) subjectType: SurveySubject;
  @Field(() => ID) @RefColumn() subjectId: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) centreId: string | null;
  @Field(() => String, { nullable: true, description: 'Who is credited with the service rated' })
  @TextColumn(120, { nullable: true })
  engineer: string | null;
  @Field() @TextColumn(500) subjectLabel: string;
  @Field({ description: 'When the incident closed or the inspection report was submitted (periods bucket by this)' })
  @TimestampColumn()
  subjectClosedAt: Date;
  @Field() @TimestampColumn() issuedAt: Date;
  @Field(() => SurveyStatus) @TextColumn(16) status: SurveyStatus;
  @Field(() => Int, { nullable: true, description: '1 (poor) to 5 (excellent)' }) @IntColumn({ nullable: true }) rating: number | null;
  @Field(() => String, { nullable: true }) @TextColumn(1000, { nullable: true }) comment: string | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) answeredAt: Date | null;
  @Field(() => String, { nullable: true }) @TextColumn(120, { nullable: true }) answeredBy: string | null;
  @Field(() => SurveySource, { nullable: true }) @TextColumn(16, { nullable: true }) source: SurveySource | null;
}
