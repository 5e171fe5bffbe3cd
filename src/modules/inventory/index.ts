import type { HubModule } from '../../platform/hub';
import { ReplenishmentSuggestion, StockAlert } from './alert.entity';
import { Depot, DepotCoverage } from './depot.entity';
import { seedInventory } from './inventory.seed';
import { inventoryResolvers } from './resolvers';
import { Part, PartFitment } from './part.entity';
import { END_OF_SUPPLY_JOB, PartsService } from './parts.service';
import { Reservation } from './reservation.entity';
import { HOLD_EXPIRY_JOB, ReservationsService, SPARES_LATE_JOB } from './reservations.service';
import { Stock, StockMovement } from './stock.entity';
import { StockTake, StockTakeLine } from './stock-take.entity';
import { StockTransfer } from './transfer.entity';

export const inventoryModule: HubModule = {
  name: 'inventory',
  entities: [
    Part,
    PartFitment,
    Depot,
    DepotCoverage,
    Stock,
    StockMovement,
    Reservation,
    StockTransfer,
    StockTake,
    StockTakeLine,
    StockAlert,
    ReplenishmentSuggestion,
  ],
  resolvers: inventoryResolvers,
  register(hub) {
    const reservations = hub.get(ReservationsService);
    hub.scheduler.register(HOLD_EXPIRY_JOB, ({ job, tx }) => reservations.expire(tx, String(job.payload.reservationId)));
    hub.scheduler.register(SPARES_LATE_JOB, ({ job, tx }) => reservations.checkLate(tx, String(job.payload.reservationId)));
    hub.scheduler.register(END_OF_SUPPLY_JOB, ({ job, tx }) => hub.get(PartsService).discontinue(tx.em, String(job.payload.partId)));
  },
  seed: seedInventory,
};
