import { interpretPayload, type InterpretedPayload } from './gateway-payload';
import { genericInterpreter, type PayloadMapping } from './generic.interpreter';
import { interpretStripeEvent } from './stripe.interpreter';

/** Reads one provider's payload (a parsed JSON object) into what the ledger acts on. */
export type PayloadInterpreter = (payload: unknown) => InterpretedPayload;

/** The interpreters a provider may name; the configuration's list is kept equal by a unit spec. */
export const INTERPRETER_NAMES = ['sandbox', 'stripe', 'generic'] as const;
export type InterpreterName = (typeof INTERPRETER_NAMES)[number];

/** How one configured provider's payloads are read. */
export interface ProviderInterpretation {
  name: string;
  /** Default `sandbox`: how every payload was read before interpreters were configurable. */
  interpreter?: InterpreterName;
  /** Required by `generic`. */
  mapping?: PayloadMapping;
}

/** The interpreter a provider's settings name, built once. */
export function createInterpreter(settings: ProviderInterpretation): PayloadInterpreter {
  const name = settings.interpreter ?? 'sandbox';
  switch (name) {
    case 'sandbox':
      return interpretPayload;
    case 'stripe':
      return interpretStripeEvent;
    case 'generic':
      if (settings.mapping === undefined) {
        throw new TypeError(`provider "${settings.name}": the generic interpreter needs a mapping`);
      }
      return genericInterpreter(settings.mapping);
    default: {
      const unknown: never = name;
      throw new TypeError(
        `provider "${settings.name}": unknown interpreter "${String(unknown)}" ` +
          `(known: ${INTERPRETER_NAMES.join(', ')})`,
      );
    }
  }
}

/**
 * Each configured provider's interpreter, by provider name. A delivery of a provider the
 * configuration no longer names (removed since it arrived) is read by `sandbox`, the default.
 */
export class PayloadInterpreters {
  private readonly byProvider = new Map<string, PayloadInterpreter>();

  constructor(providers: readonly ProviderInterpretation[] = []) {
    for (const provider of providers) {
      this.byProvider.set(provider.name, createInterpreter(provider));
    }
  }

  /** The interpreter of the named provider. */
  for(provider: string): PayloadInterpreter {
    return this.byProvider.get(provider) ?? interpretPayload;
  }
}
