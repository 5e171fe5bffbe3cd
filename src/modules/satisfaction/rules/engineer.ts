/**
 * Who to credit a closed incident's service to. Incidents record no engineer
 * field; their timeline records who moved them. The person who restored
 * service did the work that is being rated; failing that, whoever was last on
 * site, then whoever worked or acknowledged it.
 */
export interface StatusMove {
  readonly seq: number;
  readonly toStatus: string | null;
  readonly actor: string;
}

const CREDIT_ORDER = ['RESTORED', 'ON_SITE', 'IN_PROGRESS', 'ACKNOWLEDGED'] as const;

export function creditedEngineer(moves: readonly StatusMove[]): string | null {
  for (const status of CREDIT_ORDER) {
    const last = [...moves].filter((m) => m.toStatus === status).sort((a, b) => b.seq - a.seq)[0];
    if (last) return last.actor;
  }
  return null;
}
