import type { Context } from '../core/context';
import { ErrorCode } from '../core/errors';
import { MAX_LINE_OPTIONS_BYTES, type LineOptions } from '../core/line-options';
import { UserErrors, userError, type UserError } from '../core/user-error';
import type { AnyPlugin } from './define-plugin';

/**
 * The host's line-options validator: each part must belong to a plugin that declares `lineOptions` and
 * that the listing's seller installed; the plugin's schema parses it (its defaults filled in, its errors
 * naming the field). Strict: an option the plugin does not declare is an error, as with its config.
 */
export async function validateLineOptions(ctx: Context, sellerId: string, given: LineOptions, field: readonly string[]): Promise<LineOptions> {
  const errors: UserError[] = [];
  if (JSON.stringify(given).length > MAX_LINE_OPTIONS_BYTES) {
    throw new UserErrors([userError([...field], `options may hold at most ${MAX_LINE_OPTIONS_BYTES} characters of JSON.`, ErrorCode.TOO_LONG)]);
  }
  const parsed: LineOptions = {};
  for (const [name, value] of Object.entries(given).slice(0, 20)) {
    const at = [...field, name.slice(0, 100)];
    const plugin: AnyPlugin | undefined = ctx.plugins.get(name);
    if (!plugin?.lineOptions) {
      errors.push(userError(at, `No plugin "${name.slice(0, 100)}" takes options on cart lines here.`, ErrorCode.INVALID));
      continue;
    }
    if (!(await ctx.installations.load(name, sellerId))) {
      errors.push(userError(at, `The seller of this listing does not offer ${name}.`, ErrorCode.INVALID));
      continue;
    }
    if (value === null) {
      parsed[name] = null;
      continue;
    }
    const result = plugin.lineOptions.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues.slice(0, 10)) errors.push(userError([...at, ...issue.path.map(String)], issue.message, ErrorCode.INVALID));
      continue;
    }
    parsed[name] = result.data;
  }
  if (Object.keys(given).length > 20) errors.push(userError([...field], 'options may name at most 20 plugins.', ErrorCode.LIMIT_EXCEEDED));
  if (errors.length) throw new UserErrors(errors);
  return parsed;
}
