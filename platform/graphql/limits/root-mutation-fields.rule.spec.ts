import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { maxRootMutationFieldsRule, rootFieldKeys } from './root-mutation-fields.rule.ts';
import { fragmentsOf, operationsOf } from './selection-walk.ts';

const schema = buildSchema(`
  type Query { ping: String }
  type Mutation { signUp(email: String): String logIn(email: String): String }
`);
const check = (query: string, max = 1) => validate(schema, parse(query), [maxRootMutationFieldsRule(max)]);
const keysOf = (query: string) => {
  const document = parse(query);
  return [...rootFieldKeys(operationsOf(document)[0]!.selectionSet, fragmentsOf(document))];
};

describe('root mutation fields', () => {
  it('counts response keys through fragments, once per key, without __typename', () => {
    expect(keysOf('mutation { a: signUp b: signUp logIn }')).toEqual(['a', 'b', 'logIn']);
    expect(keysOf('mutation { signUp(email: "x") signUp(email: "x") __typename }')).toEqual(['signUp']);
    expect(keysOf('mutation { ...F ... on Mutation { c: logIn } } fragment F on Mutation { a: signUp ...F }')).toEqual(['a', 'c']);
  });

  it('allows one root mutation field and any number of query fields', () => {
    expect(check('mutation { signUp(email: "a") }')).toEqual([]);
    expect(check('{ a: ping b: ping c: ping }')).toEqual([]);
    expect(check('mutation A { signUp } mutation B { logIn }')).toEqual([]);
  });

  it('refuses thirty aliased sign-ups with TOO_MANY_ROOT_FIELDS', () => {
    const aliased = Array.from({ length: 30 }, (_, i) => `s${i}: signUp(email: "${i}@example.com")`).join(' ');
    const errors = check(`mutation Burst { ${aliased} }`);
    expect(errors.map((error) => [error.extensions.code, error.message])).toEqual([
      ['TOO_MANY_ROOT_FIELDS', 'Operation "Burst" runs 30 mutation fields; the limit is 1 per request, so send them as separate requests.'],
    ]);
  });

  it('follows its configured limit', () => {
    expect(check('mutation { signUp logIn }', 2)).toEqual([]);
    expect(check('mutation { signUp logIn x: logIn }', 2)).toHaveLength(1);
  });
});
