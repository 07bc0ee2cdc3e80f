/** The dashboard's views in tab order, apart from the Ink code that draws them: the CLI lists them when it starts. */
export const VIEWS = ['overview', 'grid', 'curves', 'job', 'stats'] as const;
export type View = (typeof VIEWS)[number];
