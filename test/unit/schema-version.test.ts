import { describe, expect, it } from 'vitest';
import { migrationsList } from '../../src/platform/db/migrations/index.js';
import { assertSchemaIsKnown, SchemaTooNewError } from '../../src/platform/db/schema-version.js';

const known = migrationsList.map((migration) => migration.name);
const newest = known.at(-1)!;

describe('assertSchemaIsKnown', () => {
  it('when the database has every migration of the code, or only some of them, then it passes (the rest are pending)', () => {
    expect(() => assertSchemaIsKnown(known)).not.toThrow();
    expect(() => assertSchemaIsKnown(known.slice(0, 2))).not.toThrow();
    expect(() => assertSchemaIsKnown([])).not.toThrow();
    // MikroORM may record a name with the file's extension.
    expect(() => assertSchemaIsKnown([`${known[0]}.ts`, `${known[1]}.js`])).not.toThrow();
  });

  it('when the database has a later migration than the code, then the error says a newer version migrated it and names both versions', () => {
    const later = 'Migration20991231000000_from_a_newer_version';
    let error: unknown;
    try {
      assertSchemaIsKnown([...known, later]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchemaTooNewError);
    expect(error).toMatchObject({ code: 'SCHEMA_TOO_NEW', databaseVersion: later, codeVersion: newest, unknownMigrations: [later] });
    expect((error as Error).message).toBe(
      `The database was migrated by a newer version of focus-kraliki: its schema is at ${later}, this version's is ${newest} (unknown here: ${later}). Run that newer version (or a later one) on this database; this one does not start on it.`,
    );
  });

  it('when the database has an unknown migration older than the code\'s newest, then it is refused too, without calling it newer', () => {
    const stray = 'Migration20200101000000_from_another_branch';
    expect(() => assertSchemaIsKnown([stray, ...known])).toThrow(
      `The database has migrations this version of focus-kraliki does not know: its schema is at ${newest}, this version's is ${newest} (unknown here: ${stray})`,
    );
  });
});
