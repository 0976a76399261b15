import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { VERSION } from '../version.js';
import { confJsonSchema } from './schema.js';

export interface InitResult {
  dir: string;
  created: string[];
  /** Files that existed already and were kept as they were. */
  kept: string[];
}

const PIPELINE = `# yaml-language-server: $schema=../.wf-schema.json
# A starting point: one param, a shell stage, a typed hook, and a job that uses both.
#   npx wf run hello
#   npx wf run hello -p name=Ada
hello:
  type: Pipeline
  desc: Say hello, count the letters in a hook, report
  params:
    name: {type: str, default: World}
  jobs:
    greet:
      stages:
        - id: say
          run: |
            echo "Hello, \${{ params.name }}!"
            echo "greeting=Hello, \${{ params.name }}!" >> "$WF_OUTPUT"
        - id: count
          uses: text/count@v1
          with: {text: "\${{ stages.say.outputs.greeting }}"}
      outputs:
        letters: \${{ stages.count.outputs.letters }}
    report:
      needs: [greet]
      stages:
        - echo: "\${{ needs.greet.outputs.letters }} letters"
`;

const HOOK = `// A hook: a typed function wf calls from \`uses: text/count@v1\`. TypeScript runs with no build step.
import { defineHook } from 'wf-runner';

export const count = defineHook(
  {
    name: 'count',
    tag: 'v1',
    desc: 'Count the letters of a text',
    with: { text: 'str' },           // args.text is typed string from this line
    outputs: { letters: 'int' },     // stages.<id>.outputs.letters is checked by wf validate
  },
  async (args, ctx) => {
    const letters = [...args.text].filter((c) => /\\p{L}/u.test(c)).length;
    ctx.log(\`\${letters} letters\`);
    return { letters };
  },
);
`;

/**
 * \`wf init [DIR]\`: a project that validates and runs as it is: conf/ with a pipeline, hooks/ with a
 * typed hook, .gitignore for .wf/, a package.json when there is none, the conf/ JSON Schema and
 * editor settings that map it onto conf/. Existing files are never overwritten.
 * @example initProject('my-project').created
 */
export function initProject(target = '.'): InitResult {
  const dir = resolve(target);
  const created: string[] = [];
  const kept: string[] = [];
  const put = (rel: string, text: string) => {
    const path = join(dir, rel);
    if (existsSync(path)) return kept.push(rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    created.push(rel);
  };
  put('conf/hello.yml', PIPELINE);
  put('hooks/text.ts', HOOK);
  put('.gitignore', '.wf/\nnode_modules/\n');
  put('package.json', `${JSON.stringify({ name: safeName(dir), private: true, type: 'module', scripts: { start: 'wf run hello', validate: 'wf validate' }, dependencies: { 'wf-runner': `^${VERSION}` } }, null, 2)}\n`);
  put('.wf-schema.json', `${JSON.stringify(confJsonSchema(), null, 2)}\n`);
  put('.vscode/settings.json', `${JSON.stringify({ 'yaml.schemas': { './.wf-schema.json': ['conf/**/*.yml', 'conf/**/*.yaml'] } }, null, 2)}\n`);
  return { dir, created, kept };
}

function safeName(dir: string): string {
  const base = dir.split(/[\\\\/]/).pop() ?? 'wf-project';
  return base.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'wf-project';
}
