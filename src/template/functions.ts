import { WfError } from '../errors/index.js';
import type { RenderOptions } from './ast.js';
import { isPlainObject, looseEquals, toJson, toText } from './values.js';

export interface FunctionSpec {
  min: number;
  max: number;
  call(args: unknown[], opts: RenderOptions): unknown;
}

/** Scalars as text for the string functions (GitHub Actions casts arguments to strings). */
const str = (value: unknown): string => toText(value);

const statusIs = (status: RenderOptions['status']) => (_: unknown[], opts: RenderOptions) =>
  (opts.status ?? 'success') === status;

/** The functions of GitHub Actions' expression language, with case-sensitive string matching. */
export const FUNCTIONS: Record<string, FunctionSpec> = {
  contains: {
    min: 2, max: 2,
    call: ([search, item]) => {
      if (Array.isArray(search)) return search.some((element) => looseEquals(element, item));
      if (isPlainObject(search)) return false;
      return str(search).includes(str(item));
    },
  },
  startsWith: { min: 2, max: 2, call: ([text, prefix]) => str(text).startsWith(str(prefix)) },
  endsWith: { min: 2, max: 2, call: ([text, suffix]) => str(text).endsWith(str(suffix)) },
  format: { min: 1, max: Infinity, call: ([pattern, ...args]) => format(str(pattern), args) },
  join: {
    min: 1, max: 2,
    call: ([value, separator]) => {
      // As GitHub: a separator that is not a scalar is ignored.
      const sep = separator === undefined || (separator !== null && typeof separator === 'object') ? ',' : str(separator);
      return Array.isArray(value) ? value.map(str).join(sep) : str(value);
    },
  },
  // GitHub Actions pretty-prints toJSON(); the `json` filter is the compact form.
  toJSON: { min: 1, max: 1, call: ([value]) => toJson(value, 2) },
  fromJSON: {
    min: 1, max: 1,
    call: ([text]) => {
      try {
        return JSON.parse(str(text)) as unknown;
      } catch (cause) {
        // The parser's message quotes the text, which may be a secret: say where, not what.
        const at = /position (\d+)/.exec(String((cause as Error).message))?.[1];
        throw new WfError('E_EXPR_EVAL', `fromJSON: its argument (${str(text).length} characters) is not valid JSON${at ? ` (at position ${at})` : ''}`, { hint: 'pass a JSON document, e.g. fromJSON(\'{"a": 1}\')' });
      }
    },
  },
  // case(cond1, value1, cond2, value2, …, default): the value of the first true condition (GitHub).
  case: {
    min: 3, max: Infinity,
    call: (args) => {
      for (let i = 0; i + 1 < args.length; i += 2) {
        const condition = args[i];
        if (typeof condition !== 'boolean') {
          throw new WfError('E_EXPR_EVAL', `case: condition ${i / 2 + 1} is ${condition === null ? 'null' : Array.isArray(condition) ? 'an array' : typeof condition}, not true or false`, { hint: "compare to get a boolean: case(params.env == 'prod', 'large', 'small')" });
        }
        if (condition) return args[i + 1];
      }
      return args[args.length - 1];
    },
  },
  success: { min: 0, max: 0, call: statusIs('success') },
  failure: { min: 0, max: 0, call: statusIs('failure') },
  cancelled: { min: 0, max: 0, call: statusIs('cancelled') },
  always: { min: 0, max: 0, call: () => true },
};

export const FUNCTION_NAMES: readonly string[] = Object.keys(FUNCTIONS);

/** `format('{0} and {1}', a, b)`; `{{` and `}}` are literal braces. */
function format(pattern: string, args: unknown[]): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if ((c === '{' || c === '}') && pattern[i + 1] === c) {
      out += c;
      i += 2;
      continue;
    }
    if (c === '}') throw formatError(pattern, "unmatched '}'");
    if (c === '{') {
      const match = /^\{(\d+)\}/.exec(pattern.slice(i));
      if (!match) throw formatError(pattern, "'{' must start {N} or be doubled as {{");
      const index = Number(match[1]);
      if (index >= args.length) throw formatError(pattern, `{${index}} has no argument`);
      out += toText(args[index]);
      i += match[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

function formatError(pattern: string, why: string): WfError {
  return new WfError('E_EXPR_EVAL', `format: ${why} in '${pattern}'`, { hint: "use {0}, {1}, … and write {{ or }} for a brace" });
}
