import express from 'express';
import type { Hub } from '../../../platform/hub';
import { secretMatches } from '../secrets';
import { asChange } from './itsm-client';
import { ItsmConnector, ItsmInboundMode } from './itsm.entity';
import { ItsmSyncService } from './itsm-sync.service';

const MAX_CHANGES = 200;

/**
 * POST /integrations/itsm/:connectorId — the customer's ITSM pushes ticket changes (the journal entry shape:
 * `{ seq?, ticketNumber, field, oldValue?, newValue?, changedBy }`, one or a list, or `{ changes: [...] }`),
 * authenticated with the connector's inbound secret as a bearer token.
 */
export function itsmRouter(hub: Hub): express.Router {
  const router = express.Router();
  router.post('/:connectorId', express.json({ limit: '1mb', type: () => true }), (req, res, next) => {
    void (async () => {
      const connector = await hub.db.manager.findOneBy(ItsmConnector, { id: String(req.params.connectorId).slice(0, 36) });
      const [scheme, token = ''] = (req.headers.authorization ?? '').split(' ', 2);
      if (!connector || scheme?.toLowerCase() !== 'bearer' || !secretMatches(token, connector.inboundSecretHash))
        return void res.status(401).json({ error: 'UNAUTHENTICATED', reason: 'unknown connector or wrong secret' });
      if (!connector.enabled) return void res.status(409).json({ error: 'CONNECTOR_DISABLED' });
      if (connector.inbound === ItsmInboundMode.POLL)
        return void res.status(409).json({ error: 'PUSH_NOT_ENABLED', reason: 'this connector polls the ITSM journal (inbound: POLL)' });
      const body = req.body as unknown;
      const list = Array.isArray(body)
        ? body
        : body && typeof body === 'object' && 'changes' in body
          ? (body as { changes: unknown }).changes
          : [body];
      if (!Array.isArray(list) || list.length === 0 || list.length > MAX_CHANGES)
        return void res.status(400).json({ error: 'BAD_REQUEST', reason: `send 1 to ${MAX_CHANGES} changes` });
      const changes = list.map(asChange);
      const bad = changes.findIndex((c) => c === null);
      if (bad >= 0)
        return void res
          .status(400)
          .json({ error: 'BAD_REQUEST', reason: `change ${bad}: ticketNumber, field and changedBy are required strings` });
      const sync = hub.get(ItsmSyncService);
      const results = [];
      for (const change of changes) {
        const r = await sync.applyInbound(connector, change!, ItsmInboundMode.PUSH);
        results.push({ ticketNumber: change!.ticketNumber, seq: change!.seq, outcome: r.outcome, reason: r.reason });
      }
      res.status(200).json({ results });
    })().catch(next);
  });
  router.use(
    (err: Error & { type?: string; status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (err.type === 'entity.too.large') return void res.status(413).json({ error: 'PAYLOAD_TOO_LARGE' });
      if (err.status && err.status < 500) return void res.status(err.status).json({ error: 'BAD_REQUEST', reason: err.message });
      hub.log.error({ err }, 'itsm inbound failed');
      next(err);
    },
  );
  return router;
}
