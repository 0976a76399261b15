import { describe, expect, it } from 'vitest';
import { lineCol } from '../helpers/diagnostics.js';
import { codesAt, inspectFiles } from '../helpers/load-conf.js';

const JOBS = '  jobs: {a: {stages: [{echo: a}]}}\n';

function check(files: Record<string, string>) {
  const result = inspectFiles(files);
  const at = (file: string, needle: string) => {
    const { line, col } = lineCol(files[file]!, needle);
    return `${line}:${col}`;
  };
  return { ...result, at };
}

describe('schedules', () => {
  it('a bad cron in an On template is E_CRON at the cron value', () => {
    const conf = 'o:\n  type: On\n  cron: "61 * * * *"\nm:\n  type: On\n  cron: "@fortnightly"\n';
    const { errors, at } = check({ 'conf/a.yml': conf });
    expect(codesAt(errors)).toEqual([`E_CRON@${at('conf/a.yml', '"61')}`, `E_CRON@${at('conf/a.yml', '"@fortnightly"')}`]);
    for (const e of errors) expect(e.hint).toBeTruthy();
  });

  it('an inline cron with the wrong number of fields is E_CRON', () => {
    const conf = `p:\n  type: Pipeline\n  on:\n    - cron: "0 2 * *"\n${JOBS}`;
    const { errors, at } = check({ 'conf/a.yml': conf });
    expect(codesAt(errors)).toEqual([`E_CRON@${at('conf/a.yml', '"0 2 * *"')}`]);
    expect(errors[0]!.message).toContain('4 fields');
  });

  it('a bad time zone is E_TIMEZONE at the zone, in an On template and inline', () => {
    const conf = `o:\n  type: On\n  cron: "@daily"\n  timezone: Mars/Olympus\np:\n  type: Pipeline\n  on: [{cron: "@daily", timezone: Europe/Pariss}]\n${JOBS}`;
    const { errors, at } = check({ 'conf/a.yml': conf });
    expect(codesAt(errors)).toEqual([`E_TIMEZONE@${at('conf/a.yml', 'Mars/Olympus')}`, `E_TIMEZONE@${at('conf/a.yml', 'Europe/Pariss')}`]);
    for (const e of errors) expect(e.hint).toBeTruthy();
  });

  it('an unknown on: reference is E_UNKNOWN_ON at the reference, with a did-you-mean', () => {
    const files = { 'conf/s.yml': 'nightly:\n  type: On\n  cron: "0 2 * * *"\n', 'conf/p.yml': `p:\n  type: Pipeline\n  on: [every-hour, nightlly]\n${JOBS}` };
    const { errors, at } = check(files);
    expect(codesAt(errors)).toEqual([`E_UNKNOWN_ON@${at('conf/p.yml', 'every-hour')}`, `E_UNKNOWN_ON@${at('conf/p.yml', 'nightlly')}`]);
    expect(errors[0]!.hint).toBeTruthy();
    expect(errors[1]!.hint).toBe("did you mean 'nightly'?");
  });

  it('on: naming a pipeline is E_UNKNOWN_ON', () => {
    const { errors } = check({ 'conf/a.yml': `q:\n  type: Pipeline\n${JOBS}p:\n  type: Pipeline\n  on: q\n${JOBS}` });
    expect(errors.map((e) => e.code)).toEqual(['E_UNKNOWN_ON']);
    expect(errors[0]!.message).toContain('is a Pipeline');
  });

  // Regression guard: an On template with its own problem must not also be called "unknown".
  it('an On template that is itself broken is reported once, not also as an unknown reference', () => {
    const { errors } = check({ 'conf/a.yml': `o:\n  type: On\n  cronn: "@daily"\np:\n  type: Pipeline\n  on: [o]\n${JOBS}` });
    expect(errors.map((e) => e.code).sort()).toEqual(['E_TYPE', 'E_UNKNOWN_KEY']);
  });

  it('a named schedule resolves to the On template\'s cron and zone; an inline one keeps its own', () => {
    const { errors, project } = check({
      'conf/s.yml': 'nightly:\n  type: On\n  cron: "0 2 * * *"\n  timezone: Asia/Bangkok\n',
      'conf/p.yml': `p:\n  type: Pipeline\n  on: [nightly, {cron: "*/5 * * * *"}]\n${JOBS}`,
    });
    expect(errors).toEqual([]);
    expect(project.pipelines.get('p')!.on.map((o) => [o.name, o.cron, o.timezone])).toEqual([
      ['nightly', '0 2 * * *', 'Asia/Bangkok'],
      [null, '*/5 * * * *', 'UTC'],
    ]);
  });
});
