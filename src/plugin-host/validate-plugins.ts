import semver from 'semver';
import { getMetadataArgsStorage } from 'typeorm';
import { PLUGIN_API_VERSION, emittedEvents, pluginPermissions, tablePrefix, type AnyPlugin } from './define-plugin';

export class PluginValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`The deployment's plugins are not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PluginValidationError';
  }
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** An event name a plugin emits (`proposal.approved`): dotted kebab-case words. */
const EVENT_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** Boot refuses plugins that would clash or overreach; every problem is reported at once. */
export function validatePlugins(plugins: readonly AnyPlugin[], coreTables: readonly string[] = [], coreNodeTypes: readonly string[] = []): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  const nodeTypes = new Map<string, string>(coreNodeTypes.map((t) => [t, 'the core']));
  for (const p of plugins) {
    const who = `plugin "${p.name}"`;
    if (!NAME.test(p.name ?? '')) problems.push(`${who}: the name must be kebab-case (a-z, 0-9, single hyphens)`);
    if (seen.has(p.name)) problems.push(`${who}: declared twice (plugin names are unique)`);
    seen.add(p.name);
    if (!semver.valid(p.version)) problems.push(`${who}: version "${p.version}" is not semver`);
    if (!semver.validRange(p.compatibility)) problems.push(`${who}: compatibility "${p.compatibility}" is not a semver range`);
    else if (!semver.satisfies(PLUGIN_API_VERSION, p.compatibility)) {
      problems.push(`${who}: needs plugin API ${p.compatibility}, this Zoco offers ${PLUGIN_API_VERSION}`);
    }
    for (const permission of p.permissions ?? []) {
      if (!(pluginPermissions as readonly string[]).includes(permission)) {
        problems.push(`${who}: unknown permission "${permission}" (known: ${pluginPermissions.join(', ')})`);
      }
    }
    for (const [type, fetcher] of Object.entries(p.nodes ?? {})) {
      const owner = nodeTypes.get(type);
      if (owner) problems.push(`${who}: node type "${type}" belongs to ${owner}`);
      else if (!/^[A-Z][A-Za-z0-9]{0,63}$/.test(type)) problems.push(`${who}: node type "${type}" must be a GraphQL type name (PascalCase)`);
      if (typeof fetcher !== 'function') problems.push(`${who}: node type "${type}" needs a refetcher function`);
      nodeTypes.set(type, `plugin "${p.name}"`);
    }
    for (const event of Object.keys(emittedEvents(p))) {
      if (event.length > 80 || !EVENT_NAME.test(event)) problems.push(`${who}: event name "${event}" must be dotted kebab-case (e.g. "proposal.approved")`);
    }
    const prefix = tablePrefix(p.name);
    for (const entity of p.entities ?? []) {
      const table = getMetadataArgsStorage().tables.find((t) => t.target === entity);
      const name = table?.name ?? entity.name;
      if (!name.startsWith(prefix)) problems.push(`${who}: table "${name}" must start with "${prefix}"`);
      if (coreTables.includes(name)) problems.push(`${who}: table "${name}" belongs to the core`);
    }
  }
  if (problems.length) throw new PluginValidationError(problems);
}
