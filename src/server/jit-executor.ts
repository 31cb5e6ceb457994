import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  BREAK,
  GraphQLError,
  TypeInfo,
  execute,
  getNamedType,
  isAbstractType,
  isInputObjectType,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Logger } from 'pino';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
export type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
export type ExecutorRequest = Parameters<Executor>[0];

export interface JitOptions {
  /** Compiled operations kept (least recently used evicted). */
  maxOperations?: number;
  /** Executions through graphql-js before an operation is compiled: one-off documents never pay to compile. */
  compileAfter?: number;
}

interface Entry {
  seen: number;
  /** null: graphql-js runs it (not a query, introspection, abstract types, or graphql-jit declined). */
  compiled?: CompiledQuery | null;
}

/** Introspection is rare and graphql-js defines it; it stays on graphql-js. */
const INTROSPECTION = /\b__(schema|type)\b/;

/**
 * Whether a field of the document returns an interface or a union. type-graphql wraps every
 * resolveType in an async function, and graphql-jit only takes a synchronous answer.
 */
function selectsAbstractType(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const type = typeInfo.getType();
        if (type && isAbstractType(getNamedType(type))) {
          found = true;
          return BREAK;
        }
        return undefined;
      },
    }),
  );
  return found;
}

/**
 * Whether a variable's input type contains itself (TargetingRuleInput's all / any / not). graphql-jit
 * unrolls input types into its variable parser without a cycle check: compiling promotionPreview recursed
 * until the stack overflowed, ~24 s of one request every time its document was seen a third time, and then
 * declined anyway (bench/RESULTS.md promotion-preview-bench; the schema fuzz's slowest request).
 */
export function hasRecursiveInputVariable(schema: GraphQLSchema, operation: OperationDefinitionNode): boolean {
  const onPath = new Set<string>();
  const acyclic = new Set<string>();
  const cyclic = (type: GraphQLNamedType): boolean => {
    if (!isInputObjectType(type) || acyclic.has(type.name)) return false;
    if (onPath.has(type.name)) return true;
    onPath.add(type.name);
    const found = Object.values(type.getFields()).some((field) => cyclic(getNamedType(field.type)));
    onPath.delete(type.name);
    if (!found) acyclic.add(type.name);
    return found;
  };
  return (operation.variableDefinitions ?? []).some((v) => {
    const type = typeFromAST(schema, v.type as Parameters<typeof typeFromAST>[1]);
    return type !== undefined && cyclic(getNamedType(type));
  });
}

/**
 * graphql-jit's errors leave `extensions` undefined when the thrown error had none (a TypeError, a
 * database error), and Apollo Server's error normalisation reads `extensions.code` unguarded: its
 * formatting then fails and answers a bare "Internal server error" without path or code, so the
 * third identical request (the first compiled one) answered differently from the first two.
 * Rebuilt as graphql-js errors, they format exactly as graphql-js's own.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  if (error.extensions) return error;
  const rebuilt = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined });
  // graphql-js computes locations from AST nodes, which graphql-jit does not keep; its own are right.
  if (error.locations) Object.defineProperty(rebuilt, 'locations', { value: error.locations, enumerable: true });
  return rebuilt;
}

/**
 * Executes hot queries with graphql-jit (compiled once per document and operation name) and
 * everything else with graphql-js, exactly as Apollo Server would:
 * - mutations (serial semantics, rare) and introspection;
 * - operations that select an interface or a union (`node`, `nodes`): see selectsAbstractType;
 * - operations with a variable of a recursive input type: see hasRecursiveInputVariable;
 * - documents seen fewer than `compileAfter` times, and those graphql-jit cannot compile;
 * - requests whose variables graphql-jit rejects: no resolver has run yet, and graphql-js words
 *   those errors the way Apollo Server recognises as BAD_USER_INPUT.
 * Resolver errors keep their message, path, locations, extensions and originalError, so
 * formatError, didEncounterErrors and unwrapResolverError see what they see with graphql-js.
 */
export function jitExecutor(schema: GraphQLSchema, log: Logger, options: JitOptions = {}): Executor {
  const { maxOperations = 500, compileAfter = 2 } = options;
  const cache = new Map<string, Entry>();

  function entryFor(key: string): Entry {
    let entry = cache.get(key);
    if (entry) {
      // Map order is insertion order: re-inserting marks it most recently used.
      cache.delete(key);
    } else {
      entry = { seen: 0 };
      if (cache.size >= maxOperations) cache.delete(cache.keys().next().value!);
    }
    cache.set(key, entry);
    return entry;
  }

  function compile(request: ExecutorRequest, operation: OperationDefinitionNode, operationName: string | undefined): CompiledQuery | null {
    const { document } = request;
    if (operation.operation !== 'query' || INTROSPECTION.test(request.source) || selectsAbstractType(schema, document)) return null;
    if (hasRecursiveInputVariable(schema, operation)) return null;
    try {
      const compiled = compileQuery(schema, document, operationName);
      if (isCompiledQuery(compiled)) return compiled;
      log.debug({ operationName, errors: compiled.errors }, 'graphql-jit declined an operation');
    } catch (err) {
      log.debug({ err, operationName }, 'graphql-jit failed to compile an operation');
    }
    return null;
  }

  const graphqlJs = async (request: ExecutorRequest) =>
    execute({
      schema,
      document: request.document,
      contextValue: request.context,
      variableValues: request.request.variables,
      operationName: request.request.operationName,
    });

  return async (request) => {
    // Apollo calls the executor without an operation when none matched, for graphql-js's error.
    const operation = request.operation as OperationDefinitionNode | undefined;
    if (!operation) return graphqlJs(request);
    const operationName = request.request.operationName ?? undefined;
    const entry = entryFor(`${request.queryHash}\u0000${operationName ?? ''}`);
    if (entry.compiled === undefined && ++entry.seen > compileAfter) entry.compiled = compile(request, operation, operationName);
    if (!entry.compiled) return graphqlJs(request);
    const result = await entry.compiled.query(undefined, request.context, request.request.variables);
    if (!result.errors) return result;
    return 'data' in result ? { ...result, errors: result.errors.map(asGraphQLJsError) } : graphqlJs(request);
  };
}

/**
 * Apollo Server's gateway hook, used only to supply our executor: the schema is fixed, so it is
 * announced once and never updated.
 */
export function jitGateway(schema: GraphQLSchema, executor: Executor): Gateway {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}
