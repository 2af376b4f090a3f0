import { describeDeadLettersContract } from '../dead-letters/dead-letters.contract';
import { InMemoryDeadLetters } from './in-memory-dead-letters';

describeDeadLettersContract('InMemoryDeadLetters', async () => new InMemoryDeadLetters());
