/**
 * The traffic policy configuration asks for at start-up: each model's default
 * version and canary from its config.json in the model repository, overridden
 * per model by DEFAULT_MODEL_VERSIONS and CANARY (a config.json canary on the
 * version DEFAULT_MODEL_VERSIONS makes default is dropped). It only seeds a
 * store that holds no policy yet. Every problem is named, with its variable,
 * in one ConfigError.
 */
import { ConfigError } from '../../../lib/config';
import type { CanarySetting } from '../../../lib/traffic-policy';
import type { ModelDefinition } from '../models/types';
import type { ReplicatedModel } from './replication';

export function configuredPolicies(
  catalog: readonly ModelDefinition[],
  defaultVersions: ReadonlyMap<string, string>,
  canaries: readonly CanarySetting[],
): Map<string, ReplicatedModel> {
  const models = new Map(
    catalog.map((definition) => {
      const versions = definition.versions.map((v) => v.version);
      const configured = { defaultVersion: definition.defaultVersion, canary: definition.canary };
      return [definition.name, { versions, configured }] as [string, ReplicatedModel];
    }),
  );
  const names = [...models.keys()].join(', ');
  const problems: string[] = [];
  for (const [model, version] of defaultVersions) {
    const found = models.get(model);
    if (!found) problems.push(`DEFAULT_MODEL_VERSIONS: unknown model ${model}; models are ${names}`);
    else if (!found.versions.includes(version))
      problems.push(`DEFAULT_MODEL_VERSIONS: ${model} has no version ${version}; versions are ${found.versions.join(', ')}`);
    else {
      const canary = found.configured.canary?.version === version ? undefined : found.configured.canary;
      models.set(model, { ...found, configured: { defaultVersion: version, canary } });
    }
  }
  for (const c of canaries) {
    const found = models.get(c.model);
    if (!found) problems.push(`CANARY: unknown model ${c.model}; models are ${names}`);
    else if (!found.versions.includes(c.version))
      problems.push(`CANARY: ${c.model} has no version ${c.version}; versions are ${found.versions.join(', ')}`);
    else if (c.version === found.configured.defaultVersion) problems.push(`CANARY: ${c.model}:${c.version} is already the default version`);
    else models.set(c.model, { ...found, configured: { ...found.configured, canary: { version: c.version, percent: c.percent } } });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return models;
}
