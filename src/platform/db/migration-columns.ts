import { TableColumnOptions } from 'typeorm';

/**
 * Table-API column builders matching the entity conventions in columns.ts, so a
 * migration written once runs unchanged on MySQL/MariaDB and SQLite.
 */
export const mcol = {
  id: (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true }),
  ref: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable: nullable }),
  text: (name: string, length = 255, nullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: String(length),
    isNullable: nullable,
  }),
  longText: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
  json: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
  int: (name: string, nullable = false, defaultValue?: number): TableColumnOptions => ({
    name,
    type: 'int',
    isNullable: nullable,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  }),
  bigint: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable }),
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
    isNullable: nullable,
  }),
  decimal: (name: string, nullable = false): TableColumnOptions => ({
    name,
    type: 'decimal',
    precision: 14,
    scale: 4,
    isNullable: nullable,
  }),
};
