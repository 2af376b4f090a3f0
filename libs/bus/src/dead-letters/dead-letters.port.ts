/** An integration event the publisher could not get onto the bus. */
export interface DeadLetter {
  /** The source domain event's position: unique, and ordered like the stream. */
  id: string;
  streamId: string;
  version: number;
  eventId: string;
  detailType: string;
  /** The PutEvents entry exactly as it would have been sent. */
  entry: { Source: string; DetailType: string; Detail: string; EventBusName?: string };
  reason: string;
  attempts: number;
  deadLetteredAt: string;
}

/** Where entries that keep failing wait until an operator redrives them. */
export interface DeadLetters {
  put(letter: DeadLetter): Promise<void>;
  list(limit?: number): Promise<DeadLetter[]>;
  remove(id: string): Promise<void>;
}
