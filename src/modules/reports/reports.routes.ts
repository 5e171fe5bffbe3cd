import express from 'express';
import { bearerToken } from '../../platform/auth/api-key.service';
import { LINK_PARAM, SignedLinks } from '../../platform/auth/signed-links';
import type { Principal } from '../../platform/auth/principal';
import { AppError, badInput, ErrorCode, unauthenticated } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { ReportDocument, toCsv, toHtml } from './render/document';
import {
  diagnosisDocument,
  emergencyDocument,
  inspectionDocument,
  rmaDocument,
  satisfactionDocument,
  slaDocument,
} from './render/documents';
import { ReportsService } from './reports.service';
import { ReportPeriod, ReportRangeInput, SatisfactionGroupBy } from './reports.views';

type Query = (name: string) => string | undefined;

const REPORTS: Record<string, (service: ReportsService, principal: Principal, q: Query) => Promise<ReportDocument>> = {
  'sla-compliance': async (s, p, q) => slaDocument(await s.slaCompliance(p, rangeOf(q))),
  'rma-loaners': async (s, p, q) => rmaDocument(await s.rmaLoaner(p, rangeOf(q))),
  inspections: async (s, p, q) => inspectionDocument(await s.inspections(p, rangeOf(q))),
  satisfaction: async (s, p, q) =>
    satisfactionDocument(await s.satisfaction(p, rangeOf(q), oneOf(q, 'groupBy', SatisfactionGroupBy, SatisfactionGroupBy.CUSTOMER))),
  'incident-diagnosis': async (s, p, q) =>
    diagnosisDocument(await s.incidentDocument(p, required(q, 'incidentId')), q('timeZone') ?? 'Asia/Shanghai'),
  'emergency-report': async (s, p, q) =>
    emergencyDocument(await s.incidentDocument(p, required(q, 'incidentId')), q('timeZone') ?? 'Asia/Shanghai'),
};

const STATUS: Record<string, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
};

/**
 * `/reports/<name>.csv` and `/reports/<name>.html` with the report's range and
 * filters as query parameters (from, to, period, timeZone, customerId,
 * contractId, centreId; groupBy for satisfaction; incidentId for the incident
 * documents; table= picks the CSV table). The key is a Bearer header, or a
 * short-lived signed link (`signLink` mutation) for a page opened in a browser;
 * never the key itself in the URL, where proxy logs and history would keep it.
 */
export function reportsRouter(hub: Hub): express.Router {
  const router = express.Router();
  const links = hub.get(SignedLinks);
  links.allowPrefix('/reports/');
  const service = hub.get(ReportsService);
  router.get('/:file', async (req, res) => {
    const match = /^([a-z-]+)\.(csv|html)$/.exec(req.params.file);
    const build = match ? REPORTS[match[1]] : undefined;
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    if (!match || !build) {
      res
        .status(404)
        .type('text/plain')
        .send(
          `Unknown report. Available: ${Object.keys(REPORTS)
            .map((n) => `${n}.csv|.html`)
            .join(', ')}\n`,
        );
      return;
    }
    const [, name, format] = match;
    const q: Query = (key) => (typeof req.query[key] === 'string' ? (req.query[key] as string) : undefined);
    try {
      if (q('key') !== undefined)
        throw unauthenticated(
          'API keys are not accepted in URLs: send Authorization: Bearer <key>, or open a link from the signLink mutation',
        );
      const presented = bearerToken(req.headers.authorization) ?? (req.headers['x-api-key'] as string | undefined);
      const signedFor = presented ? null : q(LINK_PARAM) !== undefined ? links.verify(`${req.baseUrl}${req.url}`) : null;
      const principal = presented
        ? await hub.apiKeys.authenticate(presented)
        : signedFor
          ? await hub.apiKeys.principalById(signedFor)
          : null;
      if (!principal)
        throw unauthenticated(
          presented
            ? 'The API key is unknown, malformed, revoked or expired'
            : q(LINK_PARAM) !== undefined
              ? 'The link is altered, expired or its key revoked'
              : undefined,
        );
      const doc = await build(service, principal, q);
      if (format === 'csv') {
        const tableName = q('table');
        const table = tableName ? doc.tables.find((t) => t.name === tableName) : doc.tables[0];
        if (!table)
          throw badInput(`No table ${tableName}; this report has ${doc.tables.map((t) => t.name).join(', ')}`, { field: 'table' });
        res
          .type('text/csv; charset=utf-8')
          .attachment(`${name}${table === doc.tables[0] ? '' : `-${table.name}`}.csv`)
          .send(toCsv(table));
      } else {
        res
          .set(
            'Content-Security-Policy',
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
          )
          .type('text/html; charset=utf-8')
          .send(toHtml(doc, new Date()));
      }
    } catch (error) {
      const status = (error instanceof AppError ? STATUS[error.code] : undefined) ?? 500;
      if (status === 500) hub.log.error({ err: error, report: name }, 'report failed');
      res
        .status(status)
        .type('text/plain')
        .send(`${status === 500 ? 'The report could not be produced' : (error as Error).message}\n`);
    }
  });
  return router;
}

function rangeOf(q: Query): ReportRangeInput {
  return Object.assign(new ReportRangeInput(), {
    from: required(q, 'from'),
    to: required(q, 'to'),
    period: oneOf(q, 'period', ReportPeriod, ReportPeriod.MONTH),
    timeZone: q('timeZone') ?? 'Asia/Shanghai',
    customerId: idOf(q, 'customerId'),
    contractId: idOf(q, 'contractId'),
    centreId: idOf(q, 'centreId'),
  });
}

function required(q: Query, name: string): string {
  const value = q(name);
  if (!value) throw badInput(`${name} is required`, { field: name });
  return value;
}

function idOf(q: Query, name: string): string | undefined {
  const value = q(name);
  if (value !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(value)) throw badInput(`${name} is not an id`, { field: name });
  return value;
}

function oneOf<T extends string>(q: Query, name: string, values: Record<string, T>, fallback: T): T {
  const value = q(name);
  if (value === undefined) return fallback;
  if (!Object.values(values).includes(value as T))
    throw badInput(`${name} must be one of ${Object.values(values).join(', ')}`, { field: name });
  return value as T;
}
