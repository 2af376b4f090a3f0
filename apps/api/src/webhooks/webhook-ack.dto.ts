import { ApiProperty } from '@nestjs/swagger';
import type { ReceiveResult } from '@ledger/webhooks';

/** The acknowledgement of a stored delivery. */
export class WebhookAckDto implements ReceiveResult {
  @ApiProperty({ enum: [true] })
  received!: true;

  @ApiProperty({ description: 'True when this delivery id was already recorded' })
  duplicate!: boolean;

  @ApiProperty({ description: "The delivery's event id (the first one, for a duplicate)" })
  eventId!: string;
}
