import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SupergraphConfigError } from './federation.errors.js';

/** One subgraph as composition needs it: name, routing URL and SDL text. */
export interface SubgraphDefinition {
  name: string;
  url: string;
  typeDefs: string;
}

/** A loaded supergraph config: the subgraphs in file order, with their SDL read. */
export interface SupergraphConfig {
  /** rover's `federation_version`, kept for rover users; composition here uses the installed @apollo/composition. */
  federationVersion?: string;
  subgraphs: SubgraphDefinition[];
}

const subgraphEntrySchema = z.strictObject({
  routing_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  schema: z.strictObject({ file: z.string().min(1, 'must name a schema file') }),
});

/** The rover-style file shape (only `schema.file` sources are supported). */
const supergraphConfigFileSchema = z.strictObject({
  federation_version: z.union([z.string(), z.number()]).transform(String).optional(),
  subgraphs: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'subgraph names start with a letter, then letters, digits, _ or -'), subgraphEntrySchema)
    .refine((subgraphs) => Object.keys(subgraphs).length > 0, 'must list at least one subgraph'),
});

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.') || '(root)';
  return `${path}: ${issue.message}`;
}

async function readYaml(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SupergraphConfigError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new SupergraphConfigError(path, [`not valid YAML: ${(error as Error).message}`]);
  }
}

/**
 * Reads a rover-style supergraph config (e.g. schema/supergraph.yaml) and the SDL files it names, which are
 * resolved relative to the config file. Reports every problem at once.
 *
 * @example
 * const { subgraphs } = await loadSupergraphConfig('schema/supergraph.yaml');
 * const supergraphSdl = composeSupergraph(subgraphs);
 * @throws {SupergraphConfigError} naming each bad key, e.g. `subgraphs.comms.routing_url: must be an http(s) URL`.
 */
export async function loadSupergraphConfig(path: string): Promise<SupergraphConfig> {
  const configPath = resolve(path);
  const parsed = supergraphConfigFileSchema.safeParse(await readYaml(configPath));
  if (!parsed.success) throw new SupergraphConfigError(configPath, parsed.error.issues.map(describeIssue));

  const entries = Object.entries(parsed.data.subgraphs);
  const problems: string[] = [];
  const subgraphs = await Promise.all(
    entries.map(async ([name, entry]) => {
      const file = resolve(dirname(configPath), entry.schema.file);
      const typeDefs = await readFile(file, 'utf8').catch((error: Error) => {
        problems.push(`subgraphs.${name}.schema.file: cannot read ${file}: ${error.message}`);
        return '';
      });
      return { name, url: entry.routing_url, typeDefs };
    }),
  );
  if (problems.length > 0) throw new SupergraphConfigError(configPath, problems);
  return { federationVersion: parsed.data.federation_version, subgraphs };
}
