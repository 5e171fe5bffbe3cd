/**
 * Events the inventory module sends on the hub events topic (through the
 * outbox, in the transaction of the change). Consumers dedupe by eventId.
 */
export const INVENTORY_EVENTS = {
  STOCK_ALERT_RAISED: 'StockAlertRaised',
  PART_EOL_ANNOUNCED: 'PartEolAnnounced',
} as const;

export interface StockAlertRaisedPayload {
  alertId: string;
  kind: string;
  depotId: string;
  stockId: string | null;
  partId: string | null;
  reservationId: string | null;
  loanId: string | null;
  message: string;
  raisedAt: string;
}

export interface PartEolAnnouncedPayload {
  partId: string;
  partNumber: string;
  endOfSupply: string;
  notifiedCustomerIds: string[];
  forced: boolean;
}

/** Live-update topics (GraphQL subscriptions). */
export const STOCK_ALERT_TOPIC = 'STOCK_ALERT';
