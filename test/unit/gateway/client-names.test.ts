import { describe, expect, it } from 'vitest';
import { ClientNames } from '../../../src/gateway/deprecations/client-names.js';

describe('ClientNames', () => {
  it('when the header names a client, then it wins over the claim; without either the client is unknown', () => {
    const names = new ClientNames();
    expect(names.labelOf('planning-web', 'planning-ios')).toBe('planning-web');
    expect(names.labelOf(undefined, 'planning-ios')).toBe('planning-ios');
    expect(names.labelOf('  ', undefined)).toBe('unknown');
    expect(names.labelOf(undefined, undefined)).toBe('unknown');
  });

  it('when more distinct names arrive than the limit, then the later ones are counted as other', () => {
    const names = new ClientNames(2);
    expect(['a', 'b', 'c', 'a', 'd'].map((name) => names.labelOf(name, undefined))).toEqual(['a', 'b', 'other', 'a', 'other']);
  });

  it('when a name holds characters outside letters, digits and _ . - @ /, then they become _ and the name is cut at 64', () => {
    const names = new ClientNames();
    expect(names.labelOf('web app@1.2/ios{"}', undefined)).toBe('web_app@1.2/ios___');
    expect(names.labelOf('x'.repeat(100), undefined)).toBe('x'.repeat(64));
  });
});
