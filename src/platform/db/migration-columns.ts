import { TableColumnOptions } from 'typeorm';

/**
 * Table-API column builders matching the entity conventions in columns.ts, so a
 * migration written once runs unchanged on MySQL/MariaDB and SQLite.
 */
const nullability = (isNullable: boolean) => (isNullable ? { isNullable: true, default: null } : { isNullable: false });

export const mcol = {
  id: (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true }),
  ref: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', ...nullability(nullable) }),
  text: (name: string, length = 255, nullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: String(length),
    ...nullability(nullable),
  }),
  longText: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', ...nullability(nullable) }),
  json: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', ...nullability(nullable) }),
  int: (name: string, nullable = false, defaultValue?: number): TableColumnOptions => ({
    name,
    type: 'integer',
    ...nullability(nullable),
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  }),
  bigint: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', ...nullability(nullable) }),
  bool: (name: string, defaultValue = false): TableColumnOptions => ({
    name,
    type: 'boolean',
    isNullable: false,
    default: defaultValue ? 1 : 0,
  }),
  timestamp: (name: string, nullable = false): TableColumnOptions => ({
    name,
    type: 'datetime',
    precision: 3,
    ...nullability(nullable),
  }),
  decimal: (name: string, nullable = false): TableColumnOptions => ({
    name,
    type: 'decimal',
    precision: 14,
    scale: 4,
    ...nullability(nullable),
  }),
};
