import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GraphQLError } from 'graphql';
import type { Viewer } from '../auth/viewer';
import { ConfigError } from '../config';

/** What a request names its document by, on either transport. */
export interface DocumentRequest {
  query?: string | null;
  extensions?: Record<string, unknown> | null;
  /** GraphQL over HTTP's persisted-documents `documentId` (`sha256:<hex>` or `<hex>`). */
  documentId?: unknown;
}

export interface TrustedDocuments {
  /** How many documents the manifest holds. */
  size: number;
  /** The document this viewer may run for the request, or the coded error refusing it; null: run the request as it came. */
  resolve(viewer: Viewer, request: DocumentRequest): { query: string } | GraphQLError | null;
}

const HEX = /^[0-9a-f]{64}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A hash as clients send it: `<hex>`, or graphql-codegen's `sha256:<hex>`; null for anything else. */
function hashOf(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 71) return null;
  const hex = value.startsWith('sha256:') ? value.slice(7) : value;
  return HEX.test(hex) ? hex : null;
}

/**
 * The manifest's documents by hash. Two formats: a JSON map of hash → document (graphql-codegen's
 * persisted documents), or Apollo's persisted query manifest (`{ format: "apollo-persisted-query-manifest",
 * operations: [{ id, body }] }`). Every hash must be the SHA-256 of its document: a manifest that lies
 * would let a client run one document under another's name.
 */
export function parseManifest(json: unknown, source: string): Map<string, string> {
  const entries: [unknown, unknown][] =
    json && typeof json === 'object' && (json as { format?: unknown }).format === 'apollo-persisted-query-manifest'
      ? ((json as { operations?: unknown }).operations as { id?: unknown; body?: unknown }[] | undefined ?? []).map((o) => [o?.id, o?.body])
      : json && typeof json === 'object' && !Array.isArray(json)
        ? Object.entries(json)
        : [];
  const problems: string[] = [];
  const documents = new Map<string, string>();
  for (const [key, body] of entries) {
    const hash = hashOf(key);
    if (!hash || typeof body !== 'string') problems.push(`${source}: ${String(key).slice(0, 80)} is not a sha256 hash of a document`);
    else if (sha256(body) !== hash) problems.push(`${source}: ${hash} is not the sha256 of its document`);
    else documents.set(hash, body);
  }
  if (!documents.size && !problems.length) problems.push(`${source}: no documents (expected a JSON map of sha256 hash to document)`);
  if (problems.length) throw new ConfigError(problems.map((p) => `ZOCO_TRUSTED_DOCUMENTS: ${p}`));
  return documents;
}

const notFound = () =>
  new GraphQLError('This document is not in the trusted documents of this API: send one of its documents or their hash.', {
    extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 404 } },
  });
const forbidden = () =>
  new GraphQLError('This API runs only its trusted documents for storefronts: send one of them (or its hash) instead of a new query.', {
    extensions: { code: 'FORBIDDEN', http: { status: 403 } },
  });

/**
 * Trusted documents (issue 9): guests and customers run only the manifest's documents, named by their
 * text, `extensions.persistedQuery.sha256Hash` or `documentId`. Seller keys and the operator, whose
 * integrations write their own queries, keep free queries. A refused document is never parsed.
 */
export function createTrustedDocuments(documents: ReadonlyMap<string, string>): TrustedDocuments {
  return {
    size: documents.size,
    resolve(viewer, { query, extensions, documentId }) {
      if (viewer.kind === 'seller' || viewer.kind === 'admin') return null;
      const persisted = extensions?.['persistedQuery'] as { sha256Hash?: unknown } | undefined;
      const named = documentId ?? persisted?.sha256Hash;
      if (named !== undefined && named !== null) {
        const hash = hashOf(named);
        const document = hash && documents.get(hash);
        if (!document) return notFound();
        // A text sent along must be that document: not one thing named and another run.
        if (query && query !== document) return forbidden();
        return { query: document };
      }
      if (!query) return notFound();
      return documents.has(sha256(query)) ? { query } : forbidden();
    },
  };
}

/** Reads the manifest at `path` (ZOCO_TRUSTED_DOCUMENTS); a missing or malformed file stops the start with a ConfigError. */
export async function loadTrustedDocuments(path: string): Promise<TrustedDocuments> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigError([`ZOCO_TRUSTED_DOCUMENTS: cannot read ${path} as JSON (${err instanceof Error ? err.message : String(err)})`]);
  }
  return createTrustedDocuments(parseManifest(json, path));
}
