import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Duration } from 'luxon';
import type { Hub } from '../../platform/hub';
import { AppError } from '../../platform/errors';

const DEV_KEY_SEED = 'service-hub development connector key (set CONNECTOR_SECRET_KEY)';

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64; usable as a bearer token too. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

export function secretMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * AES-256-GCM for secrets the hub must read back (signing and verifying need the secret itself).
 * The key comes from CONNECTOR_SECRET_KEY; without it outside production a fixed development key is used.
 */
export class SecretBox {
  private readonly key: Buffer | null;

  /** Without key material (production without CONNECTOR_SECRET_KEY) every seal and open is refused. */
  constructor(keyMaterial: string | null) {
    this.key = keyMaterial === null ? null : createHash('sha256').update(keyMaterial, 'utf8').digest();
  }

  private requireKey(): Buffer {
    if (!this.key)
      throw new AppError('NOT_CONFIGURED', 'Connectors and webhooks need CONNECTOR_SECRET_KEY in production to keep their secrets', {
        setting: 'CONNECTOR_SECRET_KEY',
      });
    return this.key;
  }

  static fromHub(hub: Hub): SecretBox {
    const configured = hub.config.connectors.secretKey;
    if (configured) return new SecretBox(configured);
    if (hub.config.nodeEnv === 'production') {
      // The hub still starts; creating or using a connector or webhook answers NOT_CONFIGURED.
      hub.log.error('CONNECTOR_SECRET_KEY is not set: alert connectors and webhooks are unavailable until it is');
      return new SecretBox(null);
    }
    hub.log.warn('CONNECTOR_SECRET_KEY is not set: connector and webhook secrets are encrypted with a development key');
    return new SecretBox(DEV_KEY_SEED);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.requireKey(), iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1.${iv.toString('base64')}.${cipher.getAuthTag().toString('base64')}.${body.toString('base64')}`;
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unknown secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.requireKey(), Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
}

export function isoMs(iso: string): number {
  const ms = Duration.fromISO(iso).as('milliseconds');
  if (!Number.isFinite(ms)) throw new Error(`not an ISO-8601 duration: ${iso}`);
  return ms;
}
