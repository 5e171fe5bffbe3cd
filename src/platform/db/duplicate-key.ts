/** A unique index refused the row: on MySQL/MariaDB ER_DUP_ENTRY, on SQLite a UNIQUE or PRIMARY KEY constraint. */
export function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } } | null | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
