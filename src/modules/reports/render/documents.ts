/** The reports as tables for CSV and the printable page. Pure. */
import type { IncidentDocument } from '../reports.service';
import type {
  ClockComplianceView,
  InspectionReportView,
  RatingFiguresView,
  ReportScopeView,
  RmaReportView,
  SatisfactionReportView,
  SlaComplianceReportView,
} from '../reports.views';
import type { Cell, ReportDocument, Table } from './document';

function scopeLines(s: ReportScopeView): string[] {
  const filters = [
    s.customerId ? `customer ${s.customerId}` : null,
    s.contractId ? `contract ${s.contractId}` : null,
    s.centreId ? `centre ${s.centreId}` : null,
  ].filter(Boolean);
  return [
    `Period ${s.from} to ${s.to} (${s.timeZone}), by ${s.period.toLowerCase().replace('_', ' ')}${filters.length ? `; ${filters.join(', ')}` : ''}`,
    `Open outcomes judged as of ${s.asOf.toISOString()}; ${s.final ? 'final: every outcome is decided' : 'not final: some outcomes are still open'}`,
  ];
}

const clockRow = (period: string, severity: string, incidents: number, c: ClockComplianceView): Cell[] => [
  period,
  severity,
  c.clock,
  incidents,
  c.measured,
  c.met,
  c.breached,
  c.pending,
  c.metPercent,
  c.averageHours,
  c.p90Hours,
];

export function slaDocument(r: SlaComplianceReportView): ReportDocument {
  const rows: Cell[][] = [];
  const add = (period: string, f: SlaComplianceReportView['total']) => {
    for (const c of f.clocks) rows.push(clockRow(period, 'ALL', f.incidents, c));
    for (const s of f.bySeverity) if (s.incidents > 0) for (const c of s.clocks) rows.push(clockRow(period, s.severity, s.incidents, c));
  };
  add('TOTAL', r.total);
  for (const p of r.periods) add(p.key, p.figures);
  return {
    title: 'SLA compliance',
    lines: [
      ...scopeLines(r.scope),
      `Cancelled incidents (not counted): ${r.cancelledIncidents}`,
      "Times are business hours of each incident's coverage; p90 by nearest rank.",
    ],
    timeZone: r.scope.timeZone,
    tables: [
      {
        name: 'figures',
        caption: 'Deadlines met, by period, severity and clock',
        headers: ['period', 'severity', 'clock', 'incidents', 'measured', 'met', 'breached', 'pending', 'met %', 'average h', 'p90 h'],
        rows,
      },
      {
        name: 'breaches',
        caption: 'Missed deadlines and their escalations',
        headers: ['incident', 'summary', 'severity', 'clock', 'target', 'due', 'breached at', 'stopped at', 'escalations'],
        rows: r.breaches.map((b) => [
          b.incidentId,
          b.summary,
          b.severity,
          b.clock,
          b.target,
          b.dueAt,
          b.breachedAt,
          b.stoppedAt,
          b.escalations.map((e) => `${e.kind} ${e.fromValue}→${e.toValue}`).join('; ') || null,
        ]),
      },
    ],
  };
}

export function rmaDocument(r: RmaReportView): ReportDocument {
  const figures = (period: string, f: RmaReportView['total']): Cell[] => [
    period,
    f.rmas,
    f.restored,
    f.turnaroundAverageWorkingDays,
    f.turnaroundP90WorkingDays,
    f.turnaroundMaxWorkingDays,
    f.loanerRequired,
    f.loanerKept,
    f.loanerLate,
    f.loanerBreached,
    f.loanerPending,
    f.loanerCompliancePercent,
    f.secondFailureReplacements,
    f.expired,
    f.loans,
    f.loansLate,
  ];
  return {
    title: 'RMA and loaner report',
    lines: [...scopeLines(r.scope), 'Turnaround: working days of the site calendar from out of service to a working unit back.'],
    timeZone: r.scope.timeZone,
    tables: [
      {
        name: 'figures',
        caption: 'Turnaround, loaner rule, second failures, expiries',
        headers: [
          'period',
          'rmas',
          'restored',
          'turnaround avg wd',
          'turnaround p90 wd',
          'turnaround max wd',
          'loaner required',
          'loaner kept',
          'loaner late',
          'loaner breached',
          'loaner pending',
          'loaner compliance %',
          'second-failure replacements',
          'expired',
          'loans',
          'loans late',
        ],
        rows: [figures('TOTAL', r.total), ...r.periods.map((p) => figures(p.key, p.figures))],
      },
      {
        name: 'rmas',
        caption: 'RMAs',
        headers: [
          'number',
          'serial',
          'status',
          'requested',
          'turnaround wd',
          'loaner rule',
          'second failure of',
          'replaced',
          'expired',
          'calendar incomplete',
        ],
        rows: r.rmas.map((l) => [
          l.number,
          l.serialNumber,
          l.status,
          l.requestedAt,
          l.turnaroundWorkingDays,
          l.loanerCompliance,
          l.referenceRmaId,
          l.replacedAt,
          l.expiredAt,
          l.calendarIncomplete ? 'yes' : '',
        ]),
      },
    ],
  };
}

export function inspectionDocument(r: InspectionReportView): ReportDocument {
  const figures = (period: string, f: InspectionReportView['total']): Cell[] => [
    period,
    f.planned,
    f.preHoliday,
    f.cancelled,
    f.visited,
    f.visitedOnTime,
    f.visitLate,
    f.visitPending,
    f.visitOnTimePercent,
    f.reported,
    f.reportedOnTime,
    f.reportLate,
    f.reportPending,
    f.reportOnTimePercent,
  ];
  return {
    title: 'Preventive inspections',
    lines: scopeLines(r.scope),
    timeZone: r.scope.timeZone,
    tables: [
      {
        name: 'figures',
        caption: 'Planned, visited and reported on time',
        headers: [
          'period',
          'planned',
          'pre-holiday',
          'cancelled',
          'visited',
          'visited on time',
          'visit late',
          'visit pending',
          'visit on time %',
          'reported',
          'reported on time',
          'report late',
          'report pending',
          'report on time %',
        ],
        rows: [figures('TOTAL', r.total), ...r.periods.map((p) => figures(p.key, p.figures))],
      },
    ],
  };
}

export function satisfactionDocument(r: SatisfactionReportView): ReportDocument {
  const ratings = (key: string, label: string, f: RatingFiguresView): Cell[] => [
    key,
    label,
    f.issued,
    f.responses,
    f.responseRatePercent,
    f.average,
    ...f.distribution,
  ];
  const complaints = (period: string, f: SatisfactionReportView['complaints']): Cell[] => [
    period,
    f.filed,
    ...f.byCategory.map((c) => c.count),
    f.firstReplyMet,
    f.firstReplyBreached,
    f.firstReplyPending,
    f.firstReplyMetPercent,
    f.averageFirstReplyMinutes,
    f.p90FirstReplyMinutes,
    f.resolved,
    f.resolutionMet,
    f.resolutionBreached,
    f.resolutionPending,
    f.resolutionMetPercent,
    f.handlingRated,
    f.averageHandlingRating,
  ];
  return {
    title: 'Satisfaction and complaints',
    lines: [...scopeLines(r.scope), `Ratings grouped by ${r.groupBy.toLowerCase()}; 1 (poor) to 5 (excellent).`],
    timeZone: r.scope.timeZone,
    tables: [
      {
        name: 'ratings',
        caption: 'Satisfaction surveys',
        headers: ['key', 'group', 'issued', 'responses', 'response %', 'average', 'rated 1', 'rated 2', 'rated 3', 'rated 4', 'rated 5'],
        rows: [ratings('TOTAL', 'all', r.ratings), ...r.groups.map((g) => ratings(g.key, g.label, g.figures))],
      },
      {
        name: 'complaints',
        caption: 'Complaints',
        headers: [
          'period',
          'filed',
          ...r.complaints.byCategory.map((c) => c.category.toLowerCase()),
          'first reply met',
          'first reply breached',
          'first reply pending',
          'first reply met %',
          'first reply avg min',
          'first reply p90 min',
          'resolved',
          'resolution met',
          'resolution breached',
          'resolution pending',
          'resolution met %',
          'handling rated',
          'handling avg',
        ],
        rows: [complaints('TOTAL', r.complaints), ...r.complaintPeriods.map((p) => complaints(p.key, p.figures))],
      },
    ],
  };
}

function incidentHeader(d: IncidentDocument): Table {
  const i = d.incident;
  return {
    name: 'incident',
    caption: 'Incident',
    headers: ['field', 'value'],
    rows: [
      ['Incident', i.id],
      ['Customer', d.customer ? `${d.customer.code} ${d.customer.name}` : i.customerId],
      ['Site', d.site ? `${d.site.name}, ${d.site.city}` : i.siteId],
      ['Device', d.deviceSerial],
      ['Summary', i.summary],
      ['Severity', i.severity],
      ['Status', i.status],
      ['Reported', i.reportedAt],
      ['Reported by', i.reportedBy],
      ['Acknowledged', i.acknowledgedAt],
      ['Restored', i.restoredAt],
      ['Closed', i.closedAt],
      ['Management level', i.managementLevel],
      ['Support tier', i.supportTier],
    ],
  };
}

const timelineTable = (d: IncidentDocument, types?: readonly string[]): Table => ({
  name: 'timeline',
  caption: types ? 'Progress' : 'Timeline',
  headers: ['#', 'at', 'what', 'who', 'message'],
  rows: d.timeline.filter((e) => !types || types.includes(e.type)).map((e) => [e.seq, e.at, e.type, e.actor, e.message]),
});

const escalationTable = (d: IncidentDocument): Table => ({
  name: 'escalations',
  caption: 'Escalations',
  headers: ['at', 'kind', 'trigger', 'clock', 'from', 'to', 'reason'],
  rows: d.escalations.map((e) => [e.at, e.kind, e.trigger, e.clock, e.fromValue, e.toValue, e.reason]),
});

export function diagnosisDocument(d: IncidentDocument, timeZone: string): ReportDocument {
  const g = d.diagnosis;
  return {
    title: `Fault diagnosis report — ${d.incident.summary}`,
    lines: g
      ? [`Revision ${g.revision}, recorded ${g.recordedAt.toISOString()} by ${g.recordedBy}`]
      : ['No diagnosis has been recorded for this incident yet.'],
    timeZone,
    tables: [
      incidentHeader(d),
      {
        name: 'diagnosis',
        caption: 'Diagnosis',
        headers: ['field', 'value'],
        rows: g
          ? [
              ['Findings', g.findings],
              ['Cause', g.cause],
              ['Actions', g.actions],
            ]
          : [],
      },
      {
        name: 'parts',
        caption: 'Parts used',
        headers: ['part number', 'description', 'quantity', 'serial'],
        rows: (g?.partsUsed ?? []).map((p) => [p.partNumber, p.description, p.quantity, p.serialNumber]),
      },
      timelineTable(d),
    ],
  };
}

export function emergencyDocument(d: IncidentDocument, timeZone: string): ReportDocument {
  const r = d.emergencyReport;
  const i = d.incident;
  return {
    title: `Emergency incident report — ${i.summary}`,
    lines: [
      `Emergency ${i.emergencyKind ?? '(not flagged)'}; plan activated ${i.emergencyActivatedAt?.toISOString() ?? 'never'}`,
      r ? `Submitted ${r.submittedAt.toISOString()} by ${r.submittedBy}` : 'The final emergency report has not been submitted yet.',
    ],
    timeZone,
    tables: [
      incidentHeader(d),
      {
        name: 'report',
        caption: 'Report',
        headers: ['field', 'value'],
        rows: r
          ? [
              ['Summary', r.summary],
              ['Impact', r.impact],
              ['Root cause', r.rootCause],
              ['Actions taken', r.actionsTaken],
              ['Preventive measures', r.preventiveMeasures],
            ]
          : [],
      },
      escalationTable(d),
      timelineTable(d, [
        'EMERGENCY_ACTIVATED',
        'PROGRESS_POSTED',
        'PROGRESS_OVERDUE',
        'STATUS_CHANGED',
        'SEVERITY_CHANGED',
        'ESCALATED',
        'EMERGENCY_REPORT_SUBMITTED',
      ]),
    ],
  };
}
