import { CURVE_MODELS } from './parametric';

/*
 * The surrogates' names, apart from the code that fits them: the CLI lists and checks them when it
 * starts, and loading lstm.ts for that would load tfjs on every command (issue 13).
 */

/** The paper's four LSTM surrogates: uni-/bi-directional × one-step / full-step. */
export const LSTM_VARIANTS = ['lstm-uni-one', 'lstm-uni-full', 'lstm-bi-one', 'lstm-bi-full'] as const;
export type LstmVariant = (typeof LSTM_VARIANTS)[number];

/** Every surrogate by name: the paper's four LSTMs and linear baseline, the parametric curves, and two ways to combine them. */
export const METHODS = [...LSTM_VARIANTS, 'linear', ...CURVE_MODELS, 'best-aic', 'ensemble'] as const;
export type Method = (typeof METHODS)[number];
/** The one method every view answers with unless the user picks another. */
export const DEFAULT_METHOD: Method = 'ensemble';
