import { describe, expect, it } from 'vitest';
import { WfError } from '../../src/errors/index.js';
import { expandMatrix } from '../../src/planner/index.js';

function typeError(run: () => unknown): WfError {
  try {
    run();
  } catch (error) {
    if (error instanceof WfError) return error;
    throw error;
  }
  throw new Error('expected a WfError');
}

describe('expandMatrix: the GitHub docs examples', () => {
  it('orders combinations with the first axis varying slowest', () => {
    expect(expandMatrix({ axes: { version: [10, 12, 14], os: ['ubuntu-latest', 'windows-latest'] } })).toEqual([
      { version: 10, os: 'ubuntu-latest' },
      { version: 10, os: 'windows-latest' },
      { version: 12, os: 'ubuntu-latest' },
      { version: 12, os: 'windows-latest' },
      { version: 14, os: 'ubuntu-latest' },
      { version: 14, os: 'windows-latest' },
    ]);
  });

  it('fruit/animal: includes extend original cells, overwrite added values, else become new cells', () => {
    const cells = expandMatrix({
      axes: { fruit: ['apple', 'pear'], animal: ['cat', 'dog'] },
      include: [
        { color: 'green' },
        { color: 'pink', animal: 'cat' },
        { fruit: 'apple', shape: 'circle' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ],
    });
    expect(cells).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' },
    ]);
    expect(Object.keys(cells[0]!)).toEqual(['fruit', 'animal', 'color', 'shape']);
  });

  it('expanding: an include that matches one cell adds its extra key only there', () => {
    expect(
      expandMatrix({
        axes: { os: ['windows-latest', 'ubuntu-latest'], node: [12, 14, 16] },
        include: [{ os: 'windows-latest', node: 16, npm: 6 }],
      }),
    ).toEqual([
      { os: 'windows-latest', node: 12 },
      { os: 'windows-latest', node: 14 },
      { os: 'windows-latest', node: 16, npm: 6 },
      { os: 'ubuntu-latest', node: 12 },
      { os: 'ubuntu-latest', node: 14 },
      { os: 'ubuntu-latest', node: 16 },
    ]);
  });

  it('adding: an include with an unknown axis value becomes a 10th cell', () => {
    const cells = expandMatrix({
      axes: { os: ['macos-latest', 'windows-latest', 'ubuntu-latest'], version: [12, 14, 16] },
      include: [{ os: 'windows-latest', version: 17 }],
    });
    expect(cells).toHaveLength(10);
    expect(cells[9]).toEqual({ os: 'windows-latest', version: 17 });
    expect(cells.slice(0, 3)).toEqual([
      { os: 'macos-latest', version: 12 },
      { os: 'macos-latest', version: 14 },
      { os: 'macos-latest', version: 16 },
    ]);
  });

  it('includes only: each include entry is a cell', () => {
    const include = [
      { site: 'production', datacenter: 'site-a' },
      { site: 'staging', datacenter: 'site-b' },
    ];
    expect(expandMatrix({ axes: {}, include })).toEqual(include);
  });

  it('perl: seven cells, five on ubuntu and two added for macos', () => {
    const cells = expandMatrix({
      axes: { os: ['ubuntu-latest'], perl: ['5.16', '5.20', '5.26', '5.30', 'latest'] },
      include: [
        { os: 'macos-latest', perl: '5.26' },
        { os: 'macos-latest', perl: 'latest' },
      ],
    });
    expect(cells.map((c) => `${c.os}/${c.perl}`)).toEqual([
      'ubuntu-latest/5.16',
      'ubuntu-latest/5.20',
      'ubuntu-latest/5.26',
      'ubuntu-latest/5.30',
      'ubuntu-latest/latest',
      'macos-latest/5.26',
      'macos-latest/latest',
    ]);
  });

  it('exclude: partial matches remove cells (12 - 1 - 2 = 9)', () => {
    const cells = expandMatrix({
      axes: { os: ['macos-latest', 'windows-latest'], version: [12, 14, 16], environment: ['staging', 'production'] },
      exclude: [
        { os: 'macos-latest', version: 12, environment: 'production' },
        { os: 'windows-latest', version: 16 },
      ],
    });
    expect(cells.map((c) => `${c.os} ${c.version} ${c.environment}`)).toEqual([
      'macos-latest 12 staging',
      'macos-latest 14 staging',
      'macos-latest 14 production',
      'macos-latest 16 staging',
      'macos-latest 16 production',
      'windows-latest 12 staging',
      'windows-latest 12 production',
      'windows-latest 14 staging',
      'windows-latest 14 production',
    ]);
  });
});

describe('expandMatrix: edges of the semantics', () => {
  it('include runs after exclude, so it can add an excluded cell back (at the end)', () => {
    expect(expandMatrix({ axes: { a: [1, 2] }, exclude: [{ a: 2 }], include: [{ a: 2 }] })).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('an empty axis gives zero cells, unless includes add some', () => {
    expect(expandMatrix({ axes: { region: [], table: ['orders'] } })).toEqual([]);
    expect(expandMatrix({ axes: { region: [] }, include: [{ color: 'red' }] })).toEqual([{ color: 'red' }]);
  });

  it('no axes and no include gives zero cells', () => {
    expect(expandMatrix({ axes: {} })).toEqual([]);
  });

  it('with no axes, every include is its own cell even when their keys overlap', () => {
    expect(expandMatrix({ axes: {}, include: [{ x: 1 }, { y: 2 }, { x: 1 }] })).toEqual([{ x: 1 }, { y: 2 }, { x: 1 }]);
  });

  it('everything excluded: includes without axis keys become their own cells', () => {
    expect(expandMatrix({ axes: { a: [1] }, exclude: [{ a: 1 }], include: [{ b: 2 }] })).toEqual([{ b: 2 }]);
  });

  it('matches object and list values structurally', () => {
    const cells = expandMatrix({
      axes: { target: [{ os: 'linux', arch: 'x64' }, { os: 'mac', arch: 'arm64' }], flags: [['-O2'], []] },
      exclude: [{ flags: [] }],
      include: [{ target: { arch: 'arm64', os: 'mac' }, sign: true }],
    });
    expect(cells).toEqual([
      { target: { os: 'linux', arch: 'x64' }, flags: ['-O2'] },
      { target: { os: 'mac', arch: 'arm64' }, flags: ['-O2'], sign: true },
    ]);
  });

  it('does not treat 1 and "1" as equal', () => {
    expect(expandMatrix({ axes: { v: [1] }, include: [{ v: '1', x: true }] })).toEqual([{ v: 1 }, { v: '1', x: true }]);
  });

  it('does not change the spec it was given', () => {
    const spec = { axes: { a: [1, 2] }, include: [{ b: 3 }, { a: 9 }] };
    const before = JSON.stringify(spec);
    const cells = expandMatrix(spec);
    cells[2]!.extra = 1;
    expect(JSON.stringify(spec)).toBe(before);
  });

  it('keeps a key named __proto__ as data', () => {
    const include = [JSON.parse('{"a": 1, "__proto__": {"polluted": true}}') as Record<string, unknown>];
    const [cell] = expandMatrix({ axes: { a: [1] }, include });
    expect(Object.keys(cell!)).toEqual(['a', '__proto__']);
    expect((cell as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe('expandMatrix: shape errors', () => {
  it('an axis that is not a list is E_TYPE naming the axis', () => {
    const e = typeError(() => expandMatrix({ axes: { region: 'eu' as unknown as unknown[] } }));
    expect(e.code).toBe('E_TYPE');
    expect(e.message).toContain("'region'");
    expect(e.hint).toBe('write region: ["eu"] for a single value');
  });

  it('include that is not a list of maps is E_TYPE', () => {
    expect(typeError(() => expandMatrix({ axes: { a: [1] }, include: { b: 1 } as never })).code).toBe('E_TYPE');
    expect(typeError(() => expandMatrix({ axes: { a: [1] }, include: ['x'] as never })).message).toContain('include[0]');
  });

  it('an exclude key that is not an axis is E_TYPE with a did-you-mean hint', () => {
    const e = typeError(() => expandMatrix({ axes: { region: ['eu'] }, exclude: [{ regoin: 'eu' }] }));
    expect(e.code).toBe('E_TYPE');
    expect(e.hint).toBe("did you mean 'region'?");
  });
});
