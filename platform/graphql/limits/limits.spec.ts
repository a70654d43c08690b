import { buildSchema, getIntrospectionQuery, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { maxAliasesRule, operationAliases } from './alias-count.rule.ts';
import { INTROSPECTION_MAX_DEPTH, isIntrospectionOnly, maxDepthRule, operationDepth } from './query-depth.rule.ts';
import { fragmentsOf, operationsOf } from './selection-walk.ts';

const schema = buildSchema(`
  type Node { id: ID! child: Node name: String }
  type Query { node: Node nodes: [Node!]! }
`);

const depthOf = (query: string) => {
  const document = parse(query);
  return operationDepth(operationsOf(document)[0]!, fragmentsOf(document));
};
const aliasesOf = (query: string) => {
  const document = parse(query);
  return operationAliases(operationsOf(document)[0]!, fragmentsOf(document));
};
const chain = (depth: number): string => (depth === 1 ? 'id' : `child { ${chain(depth - 1)} }`);

describe('operation depth', () => {
  it('counts nested fields, not inline fragments', () => {
    expect(depthOf('{ node { id } }')).toBe(2);
    expect(depthOf('{ __typename }')).toBe(1);
    expect(depthOf('{ node { ... on Node { child { id } } } }')).toBe(3);
    expect(depthOf('{ a: node { id } b: node { child { child { id } } } }')).toBe(4);
  });

  it('follows fragment spreads, including nested ones', () => {
    expect(depthOf('{ node { ...F } } fragment F on Node { child { ...G } } fragment G on Node { child { id } }')).toBe(4);
  });

  it('survives fragment cycles (graphql-js reports them separately)', () => {
    expect(depthOf('{ node { ...F } } fragment F on Node { child { ...F } }')).toBe(2);
  });

  it('counts introspection fields like any others', () => {
    expect(depthOf('{ __schema { types { fields { type { ofType { name } } } } } }')).toBe(6);
    expect(isIntrospectionOnly(operationsOf(parse('{ __schema { types { name } } __typename }'))[0]!)).toBe(true);
    expect(isIntrospectionOnly(operationsOf(parse('{ __schema { types { name } } node { id } }'))[0]!)).toBe(false);
  });
});

describe('maxDepthRule', () => {
  const check = (query: string, max: number, introspectionMaxDepth?: number) =>
    validate(schema, parse(query), [maxDepthRule(max, { introspectionMaxDepth })]);

  it('accepts operations at the limit and refuses deeper ones with QUERY_TOO_DEEP', () => {
    expect(check(`{ node { ${chain(11)} } }`, 12)).toEqual([]);
    const errors = check(`query Deep { node { ${chain(49)} } }`, 12);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe('Operation "Deep" is nested 50 levels deep; the limit is 12.');
    expect(errors[0]?.extensions.code).toBe('QUERY_TOO_DEEP');
  });

  it('checks every operation of a document', () => {
    const errors = check(`query A { node { id } } query B { node { ${chain(5)} } }`, 3);
    expect(errors.map((e) => e.message)).toEqual(['Operation "B" is nested 6 levels deep; the limit is 3.']);
  });

  it('lets the standard introspection query through only where introspection is allowed', () => {
    expect(check(getIntrospectionQuery(), 12).map((e) => e.extensions.code)).toEqual(['QUERY_TOO_DEEP']);
    expect(check(getIntrospectionQuery(), 12, INTROSPECTION_MAX_DEPTH)).toEqual([]);
    // The allowance never covers data fields, even mixed with introspection.
    expect(check(`{ __typename node { ${chain(14)} } }`, 12, INTROSPECTION_MAX_DEPTH)).toHaveLength(1);
  });
});

describe('alias limit', () => {
  it('counts aliases, once per fragment spread', () => {
    expect(aliasesOf('{ a: node { id } b: node { x: id } }')).toBe(3);
    expect(aliasesOf('{ node { ...F } nodes { ...F } } fragment F on Node { a: id b: name }')).toBe(4);
    expect(aliasesOf('{ node { ...F } } fragment F on Node { a: id child { ...F } }')).toBe(1);
  });

  it('refuses more than the limit with TOO_MANY_ALIASES', () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `n${i}: node { id }`).join(' ')} }`;
    expect(validate(schema, parse(aliased(30)), [maxAliasesRule(30)])).toEqual([]);
    const errors = validate(schema, parse(aliased(31)), [maxAliasesRule(30)]);
    expect(errors.map((e) => [e.extensions.code, e.message])).toEqual([['TOO_MANY_ALIASES', 'The operation uses 31 aliases; the limit is 30.']]);
  });

  it('catches aliases multiplied through fragments', () => {
    const fragment = `fragment F on Node { ${Array.from({ length: 10 }, (_, i) => `f${i}: id`).join(' ')} }`;
    const query = `{ ${Array.from({ length: 4 }, (_, i) => `node${i}: node { ...F }`).join(' ')} } ${fragment}`;
    expect(validate(schema, parse(query), [maxAliasesRule(30)])[0]?.message).toMatch(/44 aliases/);
  });
});
