/**
 * The chart's colours and font, read from the VS Code theme variables on the container so the chart
 * follows light, dark and high-contrast themes without a colour of its own.
 */
import type { SeriesRole } from './series';

export interface ChartTheme {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  reference: string;
  roles: Record<SeriesRole, string>;
  /**
   * Distinct colours for overlaid runs: not red (the reference line's) and not orange (in the
   * default themes it is translucent, so it reads as brown on dark and peach on light).
   */
  palette: string[];
  fontFamily: string;
  fontSizePx: number;
  highContrast: boolean;
}

export function readTheme(element: HTMLElement): ChartTheme {
  const style = getComputedStyle(element);
  // Without a variable (a page outside VS Code) fall back to the inherited text colour, which is
  // still the theme's and always legible on its background.
  const text = style.color || 'CanvasText';
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-editor-foreground', v('--vscode-foreground', text));
  const muted = v('--vscode-descriptionForeground', foreground);
  const size = parseFloat(v('--vscode-font-size', '13'));
  return {
    foreground,
    muted,
    grid: v('--vscode-editorWidget-border', v('--vscode-widget-border', muted)),
    background: v('--vscode-editor-background', 'transparent'),
    reference: v('--vscode-charts-red', foreground),
    roles: {
      train: v('--vscode-charts-blue', foreground),
      validation: v('--vscode-charts-orange', foreground),
      progressive: v('--vscode-charts-green', foreground),
      epoch: v('--vscode-charts-purple', foreground),
      compare: muted,
    },
    palette: ['blue', 'purple', 'green', 'yellow'].map((name) => v(`--vscode-charts-${name}`, foreground)),
    fontFamily: v('--vscode-font-family', 'system-ui, sans-serif'),
    fontSizePx: Number.isFinite(size) && size > 0 ? size : 13,
    highContrast: document.body.classList.contains('vscode-high-contrast'),
  };
}
