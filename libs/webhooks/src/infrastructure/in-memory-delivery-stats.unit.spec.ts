import { describeDeliveryStatsContract } from '../receive-webhook/delivery-stats.contract';
import { InMemoryDeliveryStats } from './in-memory-delivery-stats';

describeDeliveryStatsContract('InMemoryDeliveryStats', async () => new InMemoryDeliveryStats());
