import { parseConsumerFailure, type ConsumerBatchFailure } from './consumer-failure';

/** One message of the consumers' failure queue, parsed (see `parseConsumerFailure`). */
export type FailureMessage =
  | { messageId: string; kind: 'batch'; failure: ConsumerBatchFailure }
  | { messageId: string; kind: 'malformed'; problem: string; body: string };

/**
 * The queue Lambda sends the stream consumers' given-up batches to (template.yaml:
 * StreamConsumersDeadLetterQueue). A received message is hidden from other readers until it is
 * deleted or released.
 */
export interface FailureQueue {
  /** Up to `max` messages, each once, hidden from other readers for the time of the redrive. */
  receive(max: number): Promise<FailureMessage[]>;
  /** Removes a received message for good: its batch was redriven. */
  delete(message: FailureMessage): Promise<void>;
  /** Makes a received message visible again at once: it stays for another try. */
  release(message: FailureMessage): Promise<void>;
}

/** A message body as a queue adapter hands it over: Lambda's failure record, or malformed. */
export function failureMessageOf(messageId: string, body: string): FailureMessage {
  const parsed = parseConsumerFailure(body);
  return parsed.kind === 'batch'
    ? { messageId, kind: 'batch', failure: parsed.failure }
    : { messageId, kind: 'malformed', problem: parsed.problem, body };
}
