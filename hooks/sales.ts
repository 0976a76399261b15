// Example hooks that do real work on local files: read a CSV, aggregate it, write JSON.
// `wf hooks` lists them; a pipeline calls them with `uses: sales/aggregate-csv@v1`.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defineHook } from 'wf-runner';

/** Splits one CSV line, honouring double-quoted fields with "" escapes. */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') cells.push(cell), (cell = '');
    else cell += c;
  }
  cells.push(cell);
  return cells;
}

export const aggregateCsv = defineHook(
  {
    name: 'aggregate-csv',
    tag: 'v1',
    desc: 'Sum one numeric column of a CSV file per group and write the totals as JSON',
    with: {
      file: 'str',
      'group-by': 'str',
      sum: 'str',
      min: { type: 'float', default: 0 },
      out: 'str',
    },
  },
  async (args: { file: string; 'group-by': string; sum: string; min: number; out: string }, ctx) => {
    const text = await readFile(args.file, 'utf8');
    const [header, ...lines] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const columns = splitCsvLine(header ?? '');
    const g = columns.indexOf(args['group-by']);
    const s = columns.indexOf(args.sum);
    if (g < 0 || s < 0) throw new Error(`${args.file}: needs columns '${args['group-by']}' and '${args.sum}', has ${columns.join(', ')}`);
    const totals: Record<string, number> = {};
    let rows = 0;
    for (const line of lines) {
      const cells = splitCsvLine(line);
      const amount = Number(cells[s]);
      if (!Number.isFinite(amount) || Math.abs(amount) < args.min) continue;
      const key = cells[g] ?? '';
      totals[key] = Math.round(((totals[key] ?? 0) + amount) * 100) / 100;
      rows++;
    }
    const total = Math.round(Object.values(totals).reduce((a, b) => a + b, 0) * 100) / 100;
    await mkdir(dirname(args.out), { recursive: true });
    await writeFile(args.out, `${JSON.stringify({ file: args.file, rows, total, totals }, null, 2)}\n`);
    ctx.log(`${args.file}: ${rows} rows in ${Object.keys(totals).length} groups → ${args.out}`);
    return { rows, total, groups: Object.keys(totals).length, path: args.out };
  },
);

export const combineJson = defineHook(
  {
    name: 'combine-json',
    tag: 'v1',
    desc: "Merge this run's per-table JSON totals (<dir>/<table>.json for each table) into one report",
    with: { dir: 'str', tables: 'array', out: 'str' },
  },
  async (args: { dir: string; tables: string[]; out: string }, ctx) => {
    // Only the tables named by this run: the folder may hold files of earlier runs with other tables.
    const files = args.tables.map((t) => `${t}.json`);
    const tables: Record<string, unknown> = {};
    let total = 0;
    for (const f of files) {
      const data = JSON.parse(await readFile(join(args.dir, f), 'utf8')) as { total: number };
      tables[f.replace(/\.json$/, '')] = data;
      total += data.total;
    }
    total = Math.round(total * 100) / 100;
    await writeFile(args.out, `${JSON.stringify({ tables: Object.keys(tables), total, detail: tables }, null, 2)}\n`);
    ctx.log(`combined ${files.length} tables, grand total ${total}`);
    return { path: args.out, tables: files.length, total };
  },
);
