import * as echarts from 'echarts';

export interface ChartSeries {
  name: string;
  values: number[];
}

/** A chart and the figures it draws: the page shows both (the table for screen readers and copying). */
export interface Chart {
  id: string;
  caption: string;
  svg: string;
  /** Column headings: the category's, then one per series. */
  columns: string[];
  rows: (string | number)[][];
}

/** Colours that keep 3:1 contrast on white; each series is also named in the legend and the table. */
const PALETTE = ['#154273', '#b35900', '#2e7d32', '#6a1b9a', '#8b0000'];

/**
 * A bar (or line) chart rendered on the server by ECharts as SVG. The SVG is made to obey the console's
 * Content-Security-Policy (no `style` attributes or elements: they become presentation attributes) and
 * is marked as an image described by the figure's caption.
 */
export function barChart(options: {
  id: string;
  caption: string;
  categoryLabel: string;
  categories: string[];
  series: ChartSeries[];
  kind?: 'bar' | 'line';
  stacked?: boolean;
  horizontal?: boolean;
  percent?: boolean;
}): Chart {
  const { categories, series } = options;
  const height = options.horizontal ? Math.max(200, 40 + categories.length * 22) : 300;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 640, height });
  const categoryAxis = {
    type: 'category' as const,
    data: categories,
    axisLabel: {
      interval: 0,
      rotate: options.horizontal || categories.length <= 6 ? 0 : 45,
      width: 160,
      overflow: 'truncate' as const,
    },
  };
  const valueAxis = {
    type: 'value' as const,
    minInterval: options.percent ? undefined : 1,
    max: options.percent ? 1 : undefined,
    axisLabel: options.percent ? { formatter: (v: number) => `${Math.round(v * 100)}%` } : {},
  };
  chart.setOption({
    animation: false,
    color: PALETTE,
    textStyle: { fontFamily: 'sans-serif', color: '#1a1a1a' },
    legend: series.length > 1 ? { top: 0 } : undefined,
    grid: { left: options.horizontal ? 170 : 50, right: 20, top: series.length > 1 ? 36 : 16, bottom: 70 },
    xAxis: options.horizontal ? valueAxis : categoryAxis,
    yAxis: options.horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series: series.map((s) => ({
      type: options.kind ?? 'bar',
      name: s.name,
      data: s.values,
      stack: options.stacked ? 'total' : undefined,
    })),
  });
  const svg = cspSafe(chart.renderToSVGString(), options.id, options.caption);
  chart.dispose();
  return {
    id: options.id,
    caption: options.caption,
    svg,
    columns: [options.categoryLabel, ...series.map((s) => s.name)],
    rows: categories.map((category, i) => [category, ...series.map((s) => s.values[i] ?? 0)]),
  };
}

const escapeAttribute = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** ECharts' hover styles go (a static image has no hover); inline styles become attributes. */
function cspSafe(svg: string, id: string, caption: string): string {
  return svg
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/ style="([^"]*)"/g, (_match, declarations: string) =>
      declarations
        .split(';')
        .map((declaration) => declaration.split(':').map((part) => part.trim()))
        .filter(([property, value]) => property && value && /^[a-z-]+$/.test(property))
        .map(([property, value]) => ` ${property}="${escapeAttribute(value)}"`)
        .join(''),
    )
    .replace(/^<svg /, `<svg role="img" aria-labelledby="${id}-title" focusable="false" `)
    .replace(/(<svg[^>]*>)/, `$1<title id="${id}-title">${escapeAttribute(caption)}</title>`);
}
