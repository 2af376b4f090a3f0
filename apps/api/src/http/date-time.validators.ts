import { Transform } from 'class-transformer';
import {
  isISO8601,
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';

/** An ISO-8601 date-time that a Date can hold, as `toISOString` writes it; otherwise undefined. */
function normalised(value: unknown): string | undefined {
  if (typeof value !== 'string' || !isISO8601(value, { strict: true })) return undefined;
  const millis = Date.parse(value);
  return Number.isFinite(millis) ? new Date(millis).toISOString() : undefined;
}

/**
 * An ISO-8601 date-time, rewritten in UTC as stored timestamps are (`2026-01-01T00:00:00.000Z`),
 * so that it compares with them as text. Forms a Date cannot read (week dates) are refused.
 */
export function IsDateTime(options?: ValidationOptions): PropertyDecorator {
  const transform = Transform(({ value }: { value: unknown }) => normalised(value) ?? value);
  return (target: object, propertyName: string | symbol) => {
    transform(target, propertyName);
    registerDecorator({
      name: 'isDateTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an ISO-8601 date-time', ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && normalised(value) === value,
      },
    });
  };
}

/** Not earlier than the date-time in the member `other` (when both are valid date-times). */
export function IsNotBefore(other: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isNotBefore',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [other],
      options: { message: `$property must not be before ${other}`, ...options },
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const start = normalised((args.object as Record<string, unknown>)[other]);
          const end = normalised(value);
          return start === undefined || end === undefined || start <= end;
        },
      },
    });
  };
}
