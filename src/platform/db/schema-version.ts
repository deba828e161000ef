import { PlanningError } from '../errors/planning-error.js';
import { migrationsList } from './migrations/index.js';

/**
 * The database holds migrations this version of the code does not know, normally because a newer version migrated
 * it: running on a schema it was not written for, this one refuses to start. The message names both versions (the
 * newest migration of each).
 */
export class SchemaTooNewError extends PlanningError {
  readonly code = 'SCHEMA_TOO_NEW';
  constructor(
    /** The newest migration the database has. */
    readonly databaseVersion: string,
    /** The newest migration this code has. */
    readonly codeVersion: string,
    /** The database's migrations this code does not have. */
    readonly unknownMigrations: string[],
  ) {
    const newer = databaseVersion > codeVersion;
    super(
      `${newer ? 'The database was migrated by a newer version of focus-kraliki' : 'The database has migrations this version of focus-kraliki does not know'}: ` +
        `its schema is at ${databaseVersion}, this version's is ${codeVersion} (unknown here: ${unknownMigrations.join(', ')}). ` +
        `Run ${newer ? 'that newer version (or a later one)' : 'the version that applied them'} on this database; this one does not start on it.`,
    );
  }
}

/** `Migration2026…_name.ts` and `Migration2026…_name` are the same migration (MikroORM stores names without extension). */
const withoutExtension = (name: string) => name.replace(/\.(js|ts)$/, '');

/**
 * Throws {@link SchemaTooNewError} when `executed` (the names in the migration table) holds a migration that is not
 * in `known` (this code's, in order).
 *
 * @example
 * assertSchemaIsKnown((await orm.getMigrator().getExecutedMigrations()).map((m) => m.name));
 */
export function assertSchemaIsKnown(executed: readonly string[], known: readonly string[] = migrationsList.map((m) => m.name)): void {
  const knownNames = new Set(known.map(withoutExtension));
  const unknown = executed.map(withoutExtension).filter((name) => !knownNames.has(name));
  if (unknown.length === 0) return;
  const databaseVersion = [...executed.map(withoutExtension)].sort().at(-1)!;
  throw new SchemaTooNewError(databaseVersion, withoutExtension(known.at(-1) ?? '(none)'), unknown);
}
