/**
 * Figures, tables and pictures for notebooks, reports and the CLI.
 * See `plot.ts` (plotly + static SVG twin), `table.ts` (HTML/text tables), `display.ts`.
 */
import { displayBundle } from "./display";
import { staticBundle } from "./plot";

export * from "./plot";
export * from "./table";
export { displayBundle, inKernel, escapeHtml } from "./display";
export type { MimeBundle } from "./display";

/** Shows an SVG picture (an environment frame, an animation) with a text fallback. */
export function showSvg(svg: string, alt = "[SVG picture]"): void {
  const { data, metadata } = staticBundle(svg, alt);
  displayBundle(data, metadata);
}

/** Shows Markdown (for text whose numbers are computed by the cell). */
export function showMarkdown(md: string): void {
  displayBundle({ "text/markdown": md, "text/plain": md });
}
