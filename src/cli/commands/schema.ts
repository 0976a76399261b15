import { reportError } from '../errors.js';

export async function cmdSchema(): Promise<number> {
  try {
    const { confJsonSchema } = await import('../../api/schema.js');
    process.stdout.write(`${JSON.stringify(confJsonSchema(), null, 2)}\n`);
    return 0;
  } catch (e) {
    return reportError(e);
  }
}
