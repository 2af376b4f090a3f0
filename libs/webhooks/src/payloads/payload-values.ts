/** A JSON object as a payload holds it. */
export type Json = Record<string, unknown>;

/** The value as an object, when it is one (not an array, not null). */
export const asObject = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : undefined;

/** The value as non-blank text, when it is text. */
export const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

/** The value as an amount in minor units: a positive safe integer. */
export const minorUnits = (value: unknown): number | undefined =>
  Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : undefined;
