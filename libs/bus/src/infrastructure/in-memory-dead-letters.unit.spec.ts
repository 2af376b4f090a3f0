import { describeDeadLettersContract } from '../testing/dead-letters.contract';
import { InMemoryDeadLetters } from './in-memory-dead-letters';

describeDeadLettersContract('InMemoryDeadLetters', async () => new InMemoryDeadLetters());
