import {
  failureMessageOf,
  type FailureMessage,
  type FailureQueue,
} from '../../redrive-failures/failure-queue.port';

/**
 * The consumers' failure queue in memory, as SQS keeps it: a received message is hidden until it
 * is deleted or released (no visibility timeout runs out here). `put` stands in for Lambda.
 */
export class InMemoryFailureQueue implements FailureQueue {
  private readonly messages = new Map<string, { body: string; hidden: boolean }>();
  private sequence = 0;

  /** Sends a message body, as Lambda's on-failure destination does; returns its id. */
  put(body: string): Promise<string> {
    const messageId = `m-${String(++this.sequence).padStart(6, '0')}`;
    this.messages.set(messageId, { body, hidden: false });
    return Promise.resolve(messageId);
  }

  /** The bodies of every message still in the queue, hidden or not. */
  bodies(): string[] {
    return [...this.messages.values()].map((message) => message.body);
  }

  receive(max: number): Promise<FailureMessage[]> {
    const received: FailureMessage[] = [];
    for (const [messageId, message] of this.messages) {
      if (received.length >= max) break;
      if (message.hidden) continue;
      message.hidden = true;
      received.push(failureMessageOf(messageId, message.body));
    }
    return Promise.resolve(received);
  }

  delete(message: FailureMessage): Promise<void> {
    this.messages.delete(message.messageId);
    return Promise.resolve();
  }

  release(message: FailureMessage): Promise<void> {
    const stored = this.messages.get(message.messageId);
    if (stored !== undefined) stored.hidden = false;
    return Promise.resolve();
  }
}
