import { describeParkingLotContract } from '../core/parking-lot.contract';
import { InMemoryParkingLot } from './in-memory-parking-lot';

describeParkingLotContract('InMemoryParkingLot', async () => new InMemoryParkingLot());
