import { MemoryCentreStore } from '@lifeline/twin/centre';
import { centreStoreContract } from './centre-store-contract.js';

centreStoreContract('memory', async () => new MemoryCentreStore());
