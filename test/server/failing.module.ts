import { Query, Resolver, Root, Subscription } from 'type-graphql';
import { notFound } from '../../src/core/errors';
import { defineModule } from '../../src/core/module';

/** What a bug's error might say: it must not leave the server in production. */
export const SECRET = 'connect ECONNREFUSED 10.0.0.7:5432 (user zoco, password hunter2)';

async function* oneEvent() {
  yield 'event';
}

async function* streamThatBreaks() {
  yield 'first';
  throw new Error(SECRET);
}

/** Operations that fail the way a bug does (a plain Error) or the way a refusal does; only test apps have them. */
@Resolver()
class FailingResolver {
  @Query(() => String)
  failingQuery(): string {
    throw new Error(SECRET);
  }

  @Subscription(() => String, { subscribe: () => oneEvent() })
  failingEvent(@Root() _event: string): string {
    throw new Error(SECRET);
  }

  @Subscription(() => String, {
    subscribe: () => {
      throw new Error(SECRET);
    },
  })
  failingSubscribe(@Root() event: string): string {
    return event;
  }

  @Subscription(() => String, { subscribe: () => streamThatBreaks() })
  breakingStream(@Root() event: string): string {
    return event;
  }

  @Subscription(() => String, { subscribe: () => oneEvent() })
  vanishedEvent(@Root() _event: string): string {
    throw notFound('Proposal');
  }
}

export const failingModule = defineModule({ name: 'failing', entities: [], resolvers: [FailingResolver] });
