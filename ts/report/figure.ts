import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A figure: the vega-lite spec (kept for the HTML report) and its SVG. */
export interface ReportFigure {
  id: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
  svg: string;
}

/**
 * vega-lite compiled to vega and rendered by vega's own headless SVG renderer: no browser, no
 * canvas package, the same drawing the HTML report would make.
 */
export async function renderFigure(id: string, title: string, caption: string, spec: TopLevelSpec): Promise<ReportFigure> {
  const full = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', ...spec } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return { id, title, caption, spec: full, svg };
  } finally {
    view.finalize();
  }
}
