/**
 * GraphQL enums of the SLA vocabulary. Their values are exactly the string unions of the pure rules
 * (rules/*), so values pass between the two unchanged. Contracts and incidents both use them.
 */
import { registerEnumType } from 'type-graphql';

export enum Severity {
  P1 = 'P1',
  P2 = 'P2',
  P3 = 'P3',
  P4 = 'P4',
}
registerEnumType(Severity, { name: 'Severity', description: 'P1 is the most severe; escalation moves P4 → P3 → P2 → P1' });

export enum SlaClockKind {
  RESPONSE = 'RESPONSE',
  ON_SITE = 'ON_SITE',
  RESTORE = 'RESTORE',
}
registerEnumType(SlaClockKind, { name: 'SlaClockKind' });
