import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MAX_OPERATION_COST, operationCost } from '../../src/gateway/limits/operation-cost.js';
import { apiSchemaOf } from '../../src/platform/federation/api-schema.js';

const schema = apiSchemaOf(readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'));
const costOf = (query: string, variables?: Record<string, unknown>, operationName?: string) => operationCost(schema, parse(query), variables, operationName);

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

  it('when paginated fields nest inside each other, then the inner rows are multiplied by the outer ones', () => {
    // 40 projects, each with up to 60 tasks: 40 + 2,400 rows.
    const cost = costOf('{ projects(first: 40) { edges { node { tasks(first: 60) { totalCount } } } } }');
    expect(cost).toBe(1 + 40 / 20 + (40 * 60) / 20);
  });

  it('when a page size comes from a variable\'s default, then the default is charged', () => {
    const query = 'query F($n: Int = 100) { tasks(first: $n) { totalCount } }';
    expect(costOf(query)).toBe(costOf('{ tasks(first: 100) { totalCount } }'));
    expect(costOf(query, { n: 5 })).toBe(costOf('{ tasks(first: 5) { totalCount } }'));
  });

  it('when a list without paging arguments (Task.subtasks) is asked, then its schema default bounds it and it is charged', () => {
    // subtasks(first: Int = 100): 100 rows under each of 20 tasks.
    expect(costOf('{ tasks(first: 20) { edges { node { subtasks { id } } } } }')).toBe(1 + 1 + (20 * 100) / 20);
    expect(costOf('{ tasks(first: 20) { edges { node { subtasks(first: 5) { id } } } } }')).toBe(1 + 1 + (20 * 5) / 20);
    expect(costOf('{ task(id: "t1") { subtasks { id } } }')).toBe(1 + 100 / 20);
  });

  it('when another module\'s list field has no size at all (Task.callbacks), then the assumed size of 20 is charged', () => {
    expect(costOf('{ tasks(first: 20) { edges { node { callbacks { phone } } } } }')).toBe(1 + 1 + 20);
  });

  it('when a list holds scalars (tags), then it is part of its row and adds nothing', () => {
    expect(costOf('{ tasks(first: 20) { edges { node { tags } } } }')).toBe(costOf('{ tasks(first: 20) { edges { node { id } } } }'));
  });

  it('when a connection\'s edges are selected, then its rows are charged once, not again for the edges', () => {
    expect(costOf('{ tasks(first: 100) { edges { cursor node { id title } } pageInfo { hasNextPage } } }')).toBe(6);
  });

  it('when lists nest through parent links (the heap attack), then the cost multiplies to the cap', () => {
    const attack = 'query F($n:Int=100){tasks(first:$n,filter:{topLevel:false}){edges{node{parent{subtasks{parent{subtasks{parent{subtasks{id}}}}}}}}}}';
    expect(costOf(attack)).toBe(MAX_OPERATION_COST);
    // One level of it: 100 tasks, each parent's 100 subtasks.
    expect(costOf('{ tasks(first: 100) { edges { node { parent { subtasks { id } } } } } }')).toBe(1 + 5 + (100 * 100) / 20);
  });

  it('when a nested list sits in a named fragment, then it is multiplied like an inline one', () => {
    const inline = costOf('{ tasks(first: 50) { edges { node { subtasks(first: 10) { subtasks(first: 10) { id } } } } } }');
    const spread = costOf('{ tasks(first: 50) { edges { node { ...Sub } } } } fragment Sub on Task { subtasks(first: 10) { ...Leaf } } fragment Leaf on Task { subtasks(first: 10) { id } }');
    expect(spread).toBe(inline);
    expect(inline).toBe(Math.ceil(1 + 50 / 20 + (50 * 10) / 20 + (50 * 10 * 10) / 20));
  });

  it('when the request names one of several operations, then that one is charged', () => {
    const document = 'query Small { task(id: "t1") { id } } query Large { tasks(first: 100) { totalCount } }';
    expect(costOf(document, {}, 'Small')).toBe(1);
    expect(costOf(document, {}, 'Large')).toBe(6);
    expect(costOf(document)).toBe(6);
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
