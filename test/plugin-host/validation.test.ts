import { z } from 'zod';
import { definePlugin } from '../../src/plugin';
import { PluginValidationError } from '../../src/plugin-host';
import { validatePlugins } from '../../src/plugin-host/validate-plugins';
import { startTestApp } from '../helpers/test-app';
import { TestNote, testBadge } from './test-plugin';

const base = { version: '1.0.0', compatibility: '^1.0.0', description: 'x', config: z.object({}), permissions: [] as const };

describe('plugin validation at boot', () => {
  it('accepts a well-formed plugin', () => {
    expect(() => validatePlugins([testBadge])).not.toThrow();
  });

  it('reports every problem at once: duplicates, versions, permissions, table prefixes', () => {
    const plugins = [
      testBadge,
      definePlugin({ ...base, name: 'test-badge' }),
      definePlugin({ ...base, name: 'Bad_Name' }),
      definePlugin({ ...base, name: 'future', compatibility: '^2.0.0' }),
      definePlugin({ ...base, name: 'nosy', permissions: ['payments:write' as never] }),
      definePlugin({ ...base, name: 'squatter', entities: [TestNote] }),
      definePlugin({ ...base, name: 'sloppy', version: 'one' }),
      definePlugin({ ...base, name: 'loud', emits: ['ok.fine', 'Not Fine', 'star.*'] }),
    ];
    let error: unknown;
    try {
      validatePlugins(plugins);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PluginValidationError);
    const problems = (error as PluginValidationError).problems.join('\n');
    expect(problems).toContain('plugin "test-badge": declared twice');
    expect(problems).toContain('plugin "Bad_Name": the name must be kebab-case');
    expect(problems).toContain('plugin "future": needs plugin API ^2.0.0');
    expect(problems).toContain('plugin "nosy": unknown permission "payments:write"');
    expect(problems).toContain('plugin "squatter": table "test_badge_note" must start with "squatter_"');
    expect(problems).toContain('plugin "sloppy": version "one" is not semver');
    expect(problems).toContain('plugin "loud": event name "Not Fine" must be dotted kebab-case');
    expect(problems).toContain('plugin "loud": event name "star.*" must be dotted kebab-case');
    expect(problems).not.toContain('"ok.fine"');
  });

  it('refuses to start the app with an invalid plugin', async () => {
    await expect(startTestApp({ plugins: [testBadge, definePlugin({ ...base, name: 'test-badge' })] })).rejects.toThrow(
      /declared twice/,
    );
  });
});
