import { afterEach, describe, expect, it, vi } from 'vitest';
import { progress } from '../../../ts/cli/progress';

/** What a command's progress writes to stderr (not a terminal here, as in CI or a pipe). */
function captureStderr() {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('progress of long commands', () => {
  it('nothing for the first two seconds, then plain lines with counts and what was done', async () => {
    vi.useFakeTimers();
    const out = captureStderr();
    try {
      const bar = await progress('backtest', 4);
      bar.step('fitted pow4');
      expect(out.lines.join('')).toBe('');
      vi.advanceTimersByTime(2500);
      bar.step('fitted mmf4');
      bar.done();
      const text = out.lines.join('');
      expect(text).toContain('backtest');
      expect(text).toContain('2/4');
      expect(text).toContain('fitted mmf4');
      expect(text).not.toContain('\x1b['); // plain text: no cursor movement off a terminal
    } finally {
      out.restore();
    }
  });

  it('nothing at all with --json, however long it takes', async () => {
    vi.useFakeTimers();
    const out = captureStderr();
    try {
      const bar = await progress('report', 3, { json: true });
      vi.advanceTimersByTime(10_000);
      bar.step('the answer');
      bar.step('heat maps');
      bar.done();
      expect(out.lines).toEqual([]);
    } finally {
      out.restore();
    }
  });
});
