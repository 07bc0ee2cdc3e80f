import type { SingleBar } from 'cli-progress';

/**
 * Progress of a long command on stderr (stdout stays the result): a bar with counts and ETA on a
 * terminal, a plain line every few seconds otherwise (cli-progress does both), nothing with --json.
 * Nothing is shown for the first two seconds, so quick commands, and bad input found at once, print
 * only what they always did.
 */
export interface Progress {
  /** one more step done; `what` says what comes next */
  step(what?: string): void;
  /** the work is over: the bar is finished (or was never shown) */
  done(): void;
}

const QUIET_MS = 2000;

export const noProgress: Progress = { step: () => {}, done: () => {} };

export async function progress(label: string, total: number, o: { json?: boolean } = {}): Promise<Progress> {
  if (o.json || total <= 0) return noProgress;
  const { SingleBar, Presets } = await import('cli-progress');
  const started = Date.now();
  let value = 0;
  let bar: SingleBar | undefined;
  return {
    step(what = '') {
      value = Math.min(total, value + 1);
      if (!bar && Date.now() - started < QUIET_MS) return;
      if (!bar) {
        bar = new SingleBar(
          {
            format: `${label} [{bar}] {value}/{total} | {eta_formatted} left | {what}`,
            stream: process.stderr,
            noTTYOutput: true, // plain lines where stderr is not a terminal
            notTTYSchedule: 5000,
            etaBuffer: Math.max(10, total),
            hideCursor: true,
          },
          Presets.shades_classic,
        );
        bar.start(total, value, { what });
      } else bar.update(value, { what });
    },
    done() {
      bar?.stop();
    },
  };
}
