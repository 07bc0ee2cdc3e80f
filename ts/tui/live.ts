import type { RenderOptions } from 'ink';

/**
 * Ink's options for the live dashboard: a terminal gets live frames even where CI=true is set
 * (Ink would otherwise print only the last frame, and a tmux pane in CI would stay blank).
 */
export const LIVE: RenderOptions = { interactive: Boolean(process.stdout.isTTY) };
