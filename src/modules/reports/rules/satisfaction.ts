/** Satisfaction ratings and complaint handling figures. */
import { deadlineStatus } from '../../inspections/rules/deadline';
import { mean, minutes, p90, percent, round } from './stats';

export interface SurveyFact {
  readonly rating: number | null;
  readonly answeredAt: Date | null;
}

export interface RatingFigures {
  readonly issued: number;
  readonly responses: number;
  readonly responseRatePercent: number | null;
  readonly average: number | null;
  /** How many answered 1, 2, 3, 4, 5. */
  readonly distribution: number[];
}

export function ratingFigures(surveys: readonly SurveyFact[], asOf: Date): RatingFigures {
  const ratings = surveys.flatMap((s) => (s.rating !== null && s.answeredAt && s.answeredAt <= asOf ? [s.rating] : []));
  const average = mean(ratings);
  return {
    issued: surveys.length,
    responses: ratings.length,
    responseRatePercent: percent(ratings.length, surveys.length),
    average: average === null ? null : round(average, 2),
    distribution: [1, 2, 3, 4, 5].map((r) => ratings.filter((x) => x === r).length),
  };
}

export interface ComplaintFact {
  readonly category: string;
  readonly filedAt: Date;
  readonly firstReplyDueAt: Date;
  readonly firstRepliedAt: Date | null;
  readonly resolutionDueAt: Date;
  readonly resolvedAt: Date | null;
  readonly handlingRating: number | null;
  readonly ratedAt: Date | null;
}

export interface ComplaintFigures {
  readonly filed: number;
  readonly byCategory: Array<{ category: string; count: number }>;
  readonly firstReplyMet: number;
  readonly firstReplyBreached: number;
  readonly firstReplyPending: number;
  readonly firstReplyMetPercent: number | null;
  readonly averageFirstReplyMinutes: number | null;
  readonly p90FirstReplyMinutes: number | null;
  readonly resolved: number;
  readonly resolutionMet: number;
  readonly resolutionBreached: number;
  readonly resolutionPending: number;
  readonly resolutionMetPercent: number | null;
  readonly handlingRated: number;
  readonly averageHandlingRating: number | null;
}

export const COMPLAINT_CATEGORIES = ['RESPONSE_SPEED', 'ATTITUDE', 'BROKEN_PROMISE', 'QUALITY', 'OTHER'] as const;

export function complaintFigures(complaints: readonly ComplaintFact[], asOf: Date): ComplaintFigures {
  const first = complaints.map((c) =>
    deadlineStatus({ startedAt: c.filedAt, dueAt: c.firstReplyDueAt, stoppedAt: c.firstRepliedAt }, asOf),
  );
  const resolution = complaints.map((c) =>
    deadlineStatus({ startedAt: c.filedAt, dueAt: c.resolutionDueAt, stoppedAt: c.resolvedAt }, asOf),
  );
  const replyTimes = complaints.flatMap((c, i) =>
    c.firstRepliedAt && first[i].outcome !== 'RUNNING' && c.firstRepliedAt <= asOf ? [first[i].elapsedMs] : [],
  );
  const ratings = complaints.flatMap((c) => (c.handlingRating !== null && c.ratedAt && c.ratedAt <= asOf ? [c.handlingRating] : []));
  const n = (xs: Array<{ outcome: string }>, o: string) => xs.filter((x) => x.outcome === o).length;
  const average = mean(ratings);
  return {
    filed: complaints.length,
    byCategory: COMPLAINT_CATEGORIES.map((category) => ({ category, count: complaints.filter((c) => c.category === category).length })),
    firstReplyMet: n(first, 'MET'),
    firstReplyBreached: n(first, 'BREACHED'),
    firstReplyPending: n(first, 'RUNNING'),
    firstReplyMetPercent: percent(n(first, 'MET'), n(first, 'MET') + n(first, 'BREACHED')),
    averageFirstReplyMinutes: minutes(mean(replyTimes)),
    p90FirstReplyMinutes: minutes(p90(replyTimes)),
    resolved: complaints.filter((c) => c.resolvedAt && c.resolvedAt <= asOf).length,
    resolutionMet: n(resolution, 'MET'),
    resolutionBreached: n(resolution, 'BREACHED'),
    resolutionPending: n(resolution, 'RUNNING'),
    resolutionMetPercent: percent(n(resolution, 'MET'), n(resolution, 'MET') + n(resolution, 'BREACHED')),
    handlingRated: ratings.length,
    averageHandlingRating: average === null ? null : round(average, 2),
  };
}
