/**
 * A reader that closes the pipe (`wf run X | head -1`) or a terminal that goes away must not stop
 * wf: output stops quietly and the run and its record go on.
 */
export function guardOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'EIO' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
  }
}
