import type { Type } from '@nestjs/common';
import { CommandHandler, QueryHandler } from '@nestjs/cqrs';

/** A use case's handler as the libs write it: one method, no Nest. */
export interface UseCaseHandler<TMessage, TResult> {
  execute(message: TMessage): Promise<TResult>;
}

/** A command or query class and the one handler the composition root built for it. */
export interface UseCaseBinding {
  bus: 'command' | 'query';
  message: Type<object>;
  handler: UseCaseHandler<never, unknown>;
}

/** Binds a command class to its handler on the CommandBus. */
export function commandHandler<TCommand extends object, TResult>(
  command: Type<TCommand>,
  handler: UseCaseHandler<TCommand, TResult>,
): UseCaseBinding {
  return { bus: 'command', message: command, handler };
}

/** Binds a query class to its handler on the QueryBus. */
export function queryHandler<TQuery extends object, TResult>(
  query: Type<TQuery>,
  handler: UseCaseHandler<TQuery, TResult>,
): UseCaseBinding {
  return { bus: 'query', message: query, handler };
}

/**
 * The Nest providers that register each handler with @nestjs/cqrs: one small class per binding,
 * marked with `@CommandHandler`/`@QueryHandler`, whose `execute` is the lib handler's. The handlers
 * stay plain classes, so the libs (and the Lambdas and CLI that use them) never load Nest. A
 * message bound twice is refused: one handler per use case.
 */
export function useCaseProviders(bindings: readonly UseCaseBinding[]): Type<unknown>[] {
  const bound = new Set<Type<object>>();
  return bindings.map(({ bus, message, handler }) => {
    if (bound.has(message)) {
      throw new Error(`${message.name} is bound to more than one handler`);
    }
    bound.add(message);
    const execute = handler.execute.bind(handler) as (message: object) => Promise<unknown>;
    const provider = class {
      execute(dispatched: object): Promise<unknown> {
        return execute(dispatched);
      }
    };
    Object.defineProperty(provider, 'name', { value: `${message.name}BusHandler` });
    (bus === 'command' ? CommandHandler : QueryHandler)(message)(provider);
    return provider;
  });
}
