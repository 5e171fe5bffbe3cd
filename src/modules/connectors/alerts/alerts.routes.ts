import express from 'express';
import type { Hub } from '../../../platform/hub';
import { AlertsService } from './alerts.service';

const MAX_ALERT_BODY = '2mb';

/** POST /integrations/alerts/:connectorId — the raw body is kept: Standard Webhooks signatures cover its exact bytes. */
export function alertsRouter(hub: Hub): express.Router {
  const router = express.Router();
  router.post('/:connectorId', express.raw({ type: () => true, limit: MAX_ALERT_BODY }), (req, res, next) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    hub
      .get(AlertsService)
      .receive(String(req.params.connectorId), raw, req.headers)
      .then((answer) => {
        for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
        res.status(answer.status).json(answer.body);
      })
      .catch(next);
  });
  router.use(
    (err: Error & { type?: string; status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (err.type === 'entity.too.large')
        return void res.status(413).json({ error: 'PAYLOAD_TOO_LARGE', reason: `bodies are limited to ${MAX_ALERT_BODY}` });
      if (err.status && err.status < 500) return void res.status(err.status).json({ error: 'BAD_REQUEST', reason: err.message });
      hub.log.error({ err }, 'alert ingest failed');
      next(err);
    },
  );
  return router;
}
