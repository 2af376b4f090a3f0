import { asObject } from './payload-values';

/**
 * A path as a `generic` mapping writes it: `$` (the payload), then steps `.name`, `['name']`
 * (any name, dots included; `\'` and `\\` escape) or `[index]`. The configuration checks paths
 * with the same pattern before the service starts.
 */
export const PAYLOAD_PATH_PATTERN = /^\$(?:\.[A-Za-z_$][\w$-]*|\['(?:[^'\\]|\\.)*'\]|\[[0-9]+\])*$/;

const STEP = /\.([A-Za-z_$][\w$-]*)|\['((?:[^'\\]|\\.)*)'\]|\[([0-9]+)\]/gy;

type Step = { name: string } | { index: number };

/** The steps of a path, or a `TypeError` saying what is wrong with it. */
export function parsePayloadPath(path: string): readonly Step[] {
  if (!PAYLOAD_PATH_PATTERN.test(path)) {
    throw new TypeError(`"${path}" is not a payload path ($ then .name, ['name'] or [index])`);
  }
  const steps: Step[] = [];
  STEP.lastIndex = 1;
  for (let match = STEP.exec(path); match !== null; match = STEP.exec(path)) {
    const [, dotted, quoted, index] = match;
    if (index !== undefined) steps.push({ index: Number(index) });
    else steps.push({ name: dotted ?? quoted.replace(/\\(.)/g, '$1') });
  }
  return steps;
}

/**
 * The value a parsed path names in a payload, or undefined when any step finds nothing. Only a
 * payload's own members are read (never `__proto__`, `constructor` and the like from a prototype).
 */
export function readPayloadPath(payload: unknown, steps: readonly Step[]): unknown {
  let here: unknown = payload;
  for (const step of steps) {
    if ('index' in step) {
      here = Array.isArray(here) ? here[step.index] : undefined;
    } else {
      const object = asObject(here);
      here =
        object !== undefined && Object.prototype.hasOwnProperty.call(object, step.name)
          ? object[step.name]
          : undefined;
    }
    if (here === undefined) return undefined;
  }
  return here;
}
