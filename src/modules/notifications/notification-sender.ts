import { LessThanOrEqual } from 'typeorm';
import type { Hub } from '../../platform/hub';
import { EmailChannel } from './channels/email';
import { ImRobotKind, postToImRobot } from './channels/im-robot';
import { DeliveryState, Notification, NotificationChannel } from './notification.entity';
import { retryDelayMs } from './rules/backoff';

const CLAIM_BATCH = 20;

/**
 * Sends recorded notifications. Each hub polls for due rows and claims one by
 * a conditional UPDATE (PENDING → SENDING with a lease), so two hubs never send
 * the same row; the send happens outside any transaction (a slow SMTP server
 * must not hold database locks). A hub killed after sending but before marking
 * SENT sends again once the lease ends: at least once, and once in practice.
 */
export class NotificationSender {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private ticking: Promise<void> | null = null;
  private readonly email: EmailChannel | null;

  constructor(private readonly hub: Hub) {
    const c = hub.config.notifications;
    this.email = c.smtpUrl ? new EmailChannel(c.smtpUrl, c.from, c.sendTimeoutMs) : null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    this.email?.close();
  }

  /** Called after a commit that recorded notifications. */
  wake(): void {
    if (this.running && !this.ticking) this.arm(0);
  }

  private arm(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ticking = this.tick()
        .then(() => undefined)
        .catch((error) => this.hub.log.error({ err: error }, 'notification sender tick failed'))
        .finally(() => {
          this.ticking = null;
          this.arm(this.hub.config.notifications.pollMs);
        });
    }, delayMs);
  }

  /** Sends what is due; returns how many were handled. */
  async tick(now = new Date()): Promise<number> {
    const em = this.hub.db.manager;
    // A sender that died mid-send left its rows SENDING: they go back once their lease is over
    // (looked up first: an idle hub must not take SQLite's write lock every poll).
    const abandoned = await em.find(Notification, {
      where: { status: DeliveryState.SENDING, lockedUntil: LessThanOrEqual(now) },
      select: { id: true },
      take: CLAIM_BATCH,
    });
    for (const { id } of abandoned)
      await em.update(
        Notification,
        { id, status: DeliveryState.SENDING, lockedUntil: LessThanOrEqual(now) },
        { status: DeliveryState.PENDING, lockedUntil: null },
      );
    const due = await em.find(Notification, {
      where: { status: DeliveryState.PENDING, nextAttemptAt: LessThanOrEqual(now) },
      order: { nextAttemptAt: 'ASC' },
      take: CLAIM_BATCH,
      select: { id: true },
    });
    let handled = 0;
    for (const { id } of due) {
      if (!this.running) break;
      if (await this.sendOne(id)) handled++;
    }
    return handled;
  }

  private async sendOne(id: string): Promise<boolean> {
    const em = this.hub.db.manager;
    const c = this.hub.config.notifications;
    const now = new Date();
    const lease = new Date(now.getTime() + c.sendTimeoutMs * 3);
    const claim = await em.update(
      Notification,
      { id, status: DeliveryState.PENDING, nextAttemptAt: LessThanOrEqual(now) },
      { status: DeliveryState.SENDING, lockedUntil: lease },
    );
    if (claim.affected !== 1) return false;
    const n = await em.findOneByOrFail(Notification, { id });
    const attempts = n.attempts + 1;
    const finish = (fields: Partial<Notification>) =>
      em.update(Notification, { id, status: DeliveryState.SENDING }, { attempts, lockedUntil: null, ...fields });
    if (n.channel === NotificationChannel.EMAIL && !this.email) {
      await finish({ status: DeliveryState.NOT_SENT, lastError: 'no SMTP server configured (SMTP_URL)' });
      return true;
    }
    try {
      const message = { subject: n.subject, body: n.body };
      if (n.channel === NotificationChannel.EMAIL) await this.email!.send(n.address, message, n.language);
      else
        await postToImRobot(n.address, (n.imChannel ?? 'GENERIC') as ImRobotKind, message, {
          timeoutMs: c.sendTimeoutMs,
          allowedRanges: this.hub.config.connectors.webhooks.allowedTargetRanges,
        });
      await finish({ status: DeliveryState.SENT, sentAt: new Date(), lastError: null });
    } catch (error) {
      const reason = String((error as Error).message ?? error).slice(0, 500);
      const giveUp = attempts >= c.maxAttempts;
      this.hub.log.warn({ notificationId: id, attempts, reason, giveUp }, 'notification not delivered');
      await finish({
        status: giveUp ? DeliveryState.FAILED : DeliveryState.PENDING,
        lastError: reason,
        nextAttemptAt: new Date(Date.now() + retryDelayMs(attempts, c.retryBaseMs)),
      });
    }
    return true;
  }
}
