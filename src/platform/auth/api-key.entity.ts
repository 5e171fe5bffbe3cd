import { Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimestampColumn } from '../db/columns';
import { Role } from './principal';

@Entity('api_keys')
export class ApiKey {
  @IdColumn() id: string;
  /** The public part of the key (`shk_<prefix>_...`), used to find the row without scanning hashes. */
  @Index('uq_api_keys_prefix', { unique: true })
  @TextColumn(16)
  prefix: string;
  /** sha256 of the secret part; the key itself is shown once and never stored. */
  @TextColumn(64) secretHash: string;
  @TextColumn(120) name: string;
  @TextColumn(16) role: Role;
  @RefColumn({ nullable: true }) scopeId: string | null;
  @TimestampColumn() createdAt: Date;
  @TimestampColumn({ nullable: true }) revokedAt: Date | null;
  /** After this instant the key no longer authenticates and its open sockets are closed; null = never. */
  @TimestampColumn({ nullable: true }) expiresAt: Date | null;
}
