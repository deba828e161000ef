import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MAX_OPERATION_COST, operationCost } from '../../src/gateway/limits/operation-cost.js';

const costOf = (query: string, variables?: Record<string, unknown>) => operationCost(parse(query), variables);

describe('operationCost', () => {
  it('when an operation has one root field without pagination, then it costs 1', () => {
    expect(costOf('{ task(id: "t1") { id title } }')).toBe(1);
    expect(costOf('{ __typename }')).toBe(1);
  });

  it('when the same root field is aliased, then every alias is charged', () => {
    const once = costOf('{ a: task(id: "t1") { id } }');
    const thrice = costOf('{ a: task(id: "t1") { id } b: task(id: "t2") { id } c: task(id: "t3") { id } }');
    expect(once).toBe(1);
    expect(thrice).toBe(3);
  });

  it('when a connection asks for 100 rows, then it costs more than one asking for 20', () => {
    const twenty = costOf('{ tasks(first: 20) { totalCount } }');
    const hundred = costOf('{ tasks(first: 100) { totalCount } }');
    expect(twenty).toBe(2);
    expect(hundred).toBe(6);
    expect(hundred).toBeGreaterThan(twenty);
  });

  it('when `last` sets the page size, then it is charged like `first`', () => {
    expect(costOf('{ tasks(last: 100) { totalCount } }')).toBe(costOf('{ tasks(first: 100) { totalCount } }'));
  });

  it('when `first` comes from a variable, then the variable value is charged', () => {
    const query = 'query($n: Int) { tasks(first: $n) { totalCount } }';
    expect(costOf(query, { n: 100 })).toBe(costOf('{ tasks(first: 100) { totalCount } }'));
    expect(costOf(query, { n: 5 })).toBe(costOf('{ tasks(first: 5) { totalCount } }'));
    expect(costOf(query, { n: 100 })).toBeGreaterThan(costOf(query, { n: 5 }));
  });

  it('when a paginated field is nested under another field, then its rows are added', () => {
    const flat = costOf('{ project(id: "p1") { id } }');
    const nested = costOf('{ project(id: "p1") { tasks(first: 50) { totalCount } } }');
    expect(flat).toBe(1);
    expect(nested).toBe(1 + Math.ceil(50 / 20));
  });

  it('when paginated fields nest inside each other, then every level adds', () => {
    const cost = costOf('{ projects(first: 40) { edges { node { tasks(first: 60) { totalCount } } } } }');
    expect(cost).toBe(1 + 2 + 3);
  });

  it('when a bulk mutation carries 100 inputs, then it costs 10 more than with none', () => {
    const mutation = 'mutation($inputs: [CreateTaskInput!]!) { createTasks(inputs: $inputs) { id } }';
    const inputs = Array.from({ length: 100 }, (_, i) => ({ title: `Task ${i}` }));
    expect(costOf(mutation, { inputs: [] })).toBe(1);
    expect(costOf(mutation, { inputs })).toBe(11);
  });

  it('when the bulk inputs are written inline, then they are charged per 10 items too', () => {
    const items = Array.from({ length: 25 }, (_, i) => `{ title: "T${i}" }`).join(', ');
    expect(costOf(`mutation { createTasks(inputs: [${items}]) { id } }`)).toBe(1 + 3);
  });

  it('when an operation selects nothing chargeable, then it still costs the minimum of 1', () => {
    expect(costOf('fragment F on Task { id }')).toBe(1);
    expect(costOf('{ ... on Query { __typename } }')).toBe(1);
  });

  it('when a document holds two operations, then it is charged for the larger', () => {
    const document = `
      query Small { task(id: "t1") { id } }
      query Large { a: tasks(first: 100) { totalCount } b: tasks(first: 100) { totalCount } }
    `;
    expect(costOf(document)).toBe(12);
  });

  it('when fields sit in an inline fragment, then they are charged as if inlined', () => {
    expect(costOf('{ ... on Query { a: tasks(first: 100) { totalCount } b: tasks(first: 100) { totalCount } } }')).toBe(12);
  });

  it('when fields sit in a named fragment, then they are charged as if inlined', () => {
    const inlined = costOf('{ a: tasks(first: 100) { totalCount } b: tasks(first: 100) { totalCount } }');
    const viaFragment = costOf('{ ...Both } fragment Both on Query { a: tasks(first: 100) { totalCount } b: tasks(first: 100) { totalCount } }');
    expect(viaFragment).toBe(inlined);
  });

  it('when a nested named fragment holds a paginated field, then its rows are charged', () => {
    const cost = costOf('{ project(id: "p1") { ...Rows } } fragment Rows on Project { tasks(first: 100) { totalCount } }');
    expect(cost).toBe(1 + 5);
  });

  it('when named fragments spread each other in a cycle, then the cost is still finite', () => {
    const cost = costOf('{ ...A } fragment A on Query { tasks(first: 40) { totalCount } ...B } fragment B on Query { ...A }');
    expect(cost).toBeGreaterThanOrEqual(3);
    expect(Number.isFinite(cost)).toBe(true);
  });

  it('when fragments fan out exponentially (2^29 inlined lists), then the cost is the cap, computed without expanding them', () => {
    const levels = 30;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1 ? `fragment F${i} on Query { tasks(first: 20) { totalCount } }` : `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    // Expanded, 2^29 fragment spreads would not finish within the test's timeout; each fragment is costed once.
    expect(costOf(`{ ...F0 }\n${fragments}`)).toBe(MAX_OPERATION_COST);
    expect(costOf(`{ ...F12 }\n${fragments}`)).toBe(2 ** 18);
  });
});
