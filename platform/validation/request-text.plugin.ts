import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { getLocation, GraphQLError, visit, type DocumentNode } from 'graphql';
import { ErrorCodes } from '../errors/codes.ts';
import { isUnstorable } from './text.ts';

/**
 * Where the first text PostgreSQL could not store (a NUL character or an unpaired surrogate)
 * sits in a request: `$input.name` for a variable, `line 3, column 12` for a literal in the
 * document; null when there is none. Variables are walked without recursion, so a deeply nested
 * JSON value cannot exhaust the stack.
 */
export function findUnstorableText(variables: Record<string, unknown> | undefined, document: DocumentNode | undefined): string | null {
  const pending: { value: unknown; path: string }[] = Object.entries(variables ?? {}).map(([name, value]) => ({ value, path: `$${name}` }));
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value === 'string') {
      if (isUnstorable(value)) return path;
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push({ value: item, path: `${path}.${index}` }));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (isUnstorable(key)) return path;
        pending.push({ value: item, path: `${path}.${key}` });
      }
    }
  }
  let literal: string | null = null;
  if (document) {
    visit(document, {
      StringValue(node) {
        if (literal === null && isUnstorable(node.value)) {
          const at = node.loc ? getLocation(node.loc.source, node.loc.start) : null;
          literal = at ? `line ${at.line}, column ${at.column}` : 'the document';
        }
      },
    });
  }
  return literal;
}

/**
 * A second line behind each field's own rules: a request holding text PostgreSQL could not store
 * anywhere, in a variable or a literal, is refused before anything runs (400 BAD_USER_INPUT), so
 * a field whose rules forgot it cannot turn it into an internal error. The field rules still
 * apply first where the request is checked by them alone (service specs, other callers).
 */
export function requestTextGuardPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const where = findUnstorableText(request.variables, document);
          if (where === null) return;
          throw new GraphQLError(`The text at ${where} contains a NUL character or a broken Unicode sequence, which no field accepts.`, {
            extensions: { code: ErrorCodes.BAD_USER_INPUT, http: { status: 400 } },
          });
        },
      };
    },
  };
}
