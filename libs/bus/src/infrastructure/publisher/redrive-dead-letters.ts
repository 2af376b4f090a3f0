import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DeadLetters } from '../../dead-letters/dead-letters.port';

export interface DeadLetterRedrive {
  redriven: number;
  stillFailing: Array<{ id: string; reason: string }>;
}

/** Sends dead letters to the bus again, oldest first; the ones accepted leave the store. */
export async function redriveDeadLetters(
  deadLetters: DeadLetters,
  client: EventBridgeClient,
  limit = 100,
): Promise<DeadLetterRedrive> {
  const result: DeadLetterRedrive = { redriven: 0, stillFailing: [] };
  for (const letter of await deadLetters.list(limit)) {
    const answer: { EventId?: string; ErrorCode?: string; ErrorMessage?: string } = await client
      .send(new PutEventsCommand({ Entries: [letter.entry] }))
      .then((output) => output.Entries?.[0] ?? { ErrorCode: 'NoAnswer' })
      .catch((error: unknown) => ({
        ErrorCode: 'CallFailed',
        ErrorMessage: (error as Error).message,
      }));
    if (answer.ErrorCode === undefined && answer.EventId !== undefined) {
      await deadLetters.remove(letter.id);
      result.redriven += 1;
    } else {
      result.stillFailing.push({
        id: letter.id,
        reason: `${answer.ErrorCode}: ${answer.ErrorMessage ?? ''}`,
      });
    }
  }
  return result;
}
