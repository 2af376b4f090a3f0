import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { ValidationFailedError } from '@ledger/errors';

/**
 * Nest's ValidationPipe, refusing every member the DTO does not declare. `forbidNonWhitelisted`
 * sees only what class-transformer copied onto the instance, and class-transformer silently skips
 * members whose names the instance already has (`constructor`, `toString`, `hasOwnProperty`...);
 * this pipe compares the instance with what was received and names whatever was left behind.
 */
export class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Taken first: the parent deletes `constructor` and `__proto__` from the value in place.
    const received = memberNames(value);
    const result: unknown = await super.transform(value, metadata);
    if ((metadata.type === 'body' || metadata.type === 'query') && result !== value) {
      const dropped = droppedMembers(received, result, '');
      if (dropped.length > 0) {
        throw new ValidationFailedError(
          'The request is not valid',
          dropped.map((path) => `property ${path} should not exist`),
        );
      }
    }
    return result;
  }
}

/** The member names of a value, nested as the value is (depth is bounded by the body parser). */
type MemberNames = Map<string, MemberNames> | undefined;

function memberNames(value: unknown): MemberNames {
  if (!isObject(value) || ArrayBuffer.isView(value)) return undefined;
  const names = new Map<string, MemberNames>();
  for (const key of Object.keys(value)) names.set(key, memberNames(value[key]));
  return names;
}

/** Paths of members that were received but that `kept` does not hold as own members. */
function droppedMembers(received: MemberNames, kept: unknown, path: string): string[] {
  if (received === undefined || !isObject(kept)) return [];
  const dropped: string[] = [];
  for (const [key, children] of received) {
    const here = path === '' ? key : `${path}.${key}`;
    if (!Object.prototype.hasOwnProperty.call(kept, key)) dropped.push(here);
    else dropped.push(...droppedMembers(children, kept[key], here));
  }
  return dropped;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}
