import { WfError } from '../errors/index.js';
import type { ExprContext, RenderOptions } from './ast.js';
import { compileCached } from './compile.js';
import { evaluatePart } from './render.js';

/** Script languages whose `${{ }}` positions wf can tell apart (code, string, comment). */
export type ScriptLang = 'python' | 'node';

type Where = 'code' | 'string' | 'comment';

/**
 * Follows a Python or JavaScript source's strings and comments, fed piece by piece (the literal
 * text between expressions), and says where each expression stands.
 */
class ScriptLexer {
  private state: 'code' | 'line-comment' | 'block-comment' | { quote: string; template?: boolean } = 'code';
  /** Open `${` of JS template literals: code inside a string. */
  private templateDepth: number[] = [];
  private escaped = false;

  constructor(private readonly lang: ScriptLang) {}

  where(): Where {
    return this.state === 'code' ? 'code' : this.state === 'line-comment' || this.state === 'block-comment' ? 'comment' : 'string';
  }

  feed(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      const s = this.state;
      if (s === 'line-comment') {
        if (c === '\n') this.state = 'code';
      } else if (s === 'block-comment') {
        if (c === '*' && text[i + 1] === '/') (this.state = 'code'), i++;
      } else if (typeof s === 'object') {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (s.template && c === '$' && text[i + 1] === '{') {
          this.templateDepth.push(0);
          this.state = 'code';
          i++;
        } else if (text.startsWith(s.quote, i)) {
          this.state = 'code';
          i += s.quote.length - 1;
        } else if (c === '\n' && s.quote.length === 1 && !s.template) this.state = 'code'; // an unclosed one-line string ends here
      } else {
        // code
        if (this.lang === 'python' && c === '#') this.state = 'line-comment';
        else if (this.lang === 'node' && c === '/' && text[i + 1] === '/') (this.state = 'line-comment'), i++;
        else if (this.lang === 'node' && c === '/' && text[i + 1] === '*') (this.state = 'block-comment'), i++;
        else if (c === '`' && this.lang === 'node') this.state = { quote: '`', template: true };
        else if (c === '"' || c === "'") {
          const triple = this.lang === 'python' && text.startsWith(c.repeat(3), i);
          this.state = { quote: triple ? c.repeat(3) : c };
          if (triple) i += 2;
        } else if (this.templateDepth.length > 0) {
          const top = this.templateDepth.length - 1;
          if (c === '{') this.templateDepth[top]!++;
          else if (c === '}') {
            if (this.templateDepth[top] === 0) {
              this.templateDepth.pop();
              this.state = { quote: '`', template: true };
            } else this.templateDepth[top]!--;
          }
        }
      }
    }
  }
}

const READ: Record<ScriptLang, (name: string) => string> = {
  python: (name) => `__import__('json').loads(__import__('os').environ['${name}'])`,
  node: (name) => `JSON.parse(process.env.${name})`,
};

export interface ScriptPlace {
  index: number;
  where: Where;
}

/** Where each expression of a script template stands (for load-time checks and rendering). */
export function scriptPlaces(text: string, lang: ScriptLang): ScriptPlace[] {
  const t = compileCached(text);
  const lexer = new ScriptLexer(lang);
  const places: ScriptPlace[] = [];
  let n = 0;
  for (const part of t.parts) {
    if (typeof part === 'string') lexer.feed(part);
    else places.push({ index: n++, where: lexer.where() });
  }
  return places;
}

/** The error for an expression inside a string literal, where its value would be pasted into code. */
export function scriptStringError(lang: ScriptLang): WfError {
  const example = lang === 'python' ? "name = ${{ params.name }}; print(f'hello {name}')" : 'const name = ${{ params.name }}; console.log(`hello ${name}`)';
  return new WfError('E_EXPR', `\${{ }} inside a ${lang === 'python' ? 'Python' : 'JavaScript'} string literal: wf cannot pass a value there without making it code`, {
    hint: `put the expression where a value goes in code (it becomes the value itself, read from the environment), e.g. ${example}`,
  });
}

/**
 * Renders a Python or JavaScript script without pasting any value into it: an expression in code
 * becomes a read of an environment variable holding the value as JSON (`JSON.parse(process.env.WF_E1)`),
 * so it keeps its type and can never be code; one in a comment becomes the variable's name; one
 * inside a string literal is refused (E_EXPR).
 */
export function renderScript(text: string, lang: ScriptLang, ctx: ExprContext, opts: RenderOptions = {}): { script: string; env: Record<string, string> } {
  const t = compileCached(text);
  const lexer = new ScriptLexer(lang);
  const env: Record<string, string> = {};
  let script = '';
  let n = 0;
  for (const part of t.parts) {
    if (typeof part === 'string') {
      lexer.feed(part);
      script += part;
      continue;
    }
    const name = `WF_E${n + 1}`;
    const where = lexer.where();
    if (where === 'string') throw scriptStringError(lang);
    const value = evaluatePart(t, n, part, ctx, opts);
    env[name] = JSON.stringify(value === undefined ? null : value);
    script += where === 'code' ? READ[lang](name) : name;
    n++;
  }
  return { script, env };
}
