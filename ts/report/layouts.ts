/** The report's layouts and table formats, apart from the code that builds them: the CLI lists them when it starts. */
export const PAPERS = ['lee2025', 'lv-families'] as const;
export type Paper = (typeof PAPERS)[number];
export const FORMATS = ['md', 'csv', 'tex', 'html'] as const;
export type Format = (typeof FORMATS)[number];
