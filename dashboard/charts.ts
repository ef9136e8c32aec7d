/// <reference lib="dom" />
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

/** The dashboard's charts, drawn by Apache ECharts (bundled, SVG renderer: sharp on a phone, nothing fetched). */

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, TitleComponent, LegendComponent, SVGRenderer]);

const charts = new Map<HTMLElement, echarts.ECharts>();

function chartIn(el: HTMLElement): echarts.ECharts {
  charts.get(el)?.dispose();
  const chart = echarts.init(el, undefined, { renderer: 'svg' });
  charts.set(el, chart);
  return chart;
}

addEventListener('resize', () => {
  for (const c of charts.values()) c.resize();
});

/** The units the on-time chart shows: the lowest, where the province loses points (Decision 766, indicator 2.1). */
export const ON_TIME_CHART_UNITS = 20;

/** Indicator 2.1 by unit, the lowest first. */
export function onTimeByUnit(el: HTMLElement, rows: { name: string; indicator21: number | null }[]): void {
  const scored = rows
    .filter((r) => r.indicator21 !== null)
    .sort((a, b) => a.indicator21! - b.indicator21!)
    .slice(0, ON_TIME_CHART_UNITS)
    .reverse();
  el.style.height = `${Math.max(260, scored.length * 18 + 60)}px`;
  chartIn(el).setOption({
    title: { text: `Tỷ lệ đúng hạn (chỉ số 2.1, %): ${scored.length} đơn vị thấp nhất`, textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 36, bottom: 24, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 100 },
    yAxis: {
      type: 'category',
      data: scored.map((r) => r.name),
      axisLabel: { fontSize: 10, width: 160, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        data: scored.map((r) => ({
          value: r.indicator21,
          itemStyle: { color: r.indicator21! < 95 ? '#c53030' : '#2b6cb0' },
        })),
      },
    ],
  });
}

/** Open and overdue dossiers at the end of each day of the period. */
export function overdueOverTime(el: HTMLElement, days: { date: string; open: number; overdue: number }[]): void {
  chartIn(el).setOption({
    title: { text: 'Hồ sơ đang xử lý và quá hạn theo ngày', textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, data: ['Đang xử lý', 'Quá hạn'] },
    grid: { left: 8, right: 16, top: 36, bottom: 32, containLabel: true },
    xAxis: { type: 'category', data: days.map((d) => `${d.date.slice(8, 10)}/${d.date.slice(5, 7)}`) },
    yAxis: { type: 'value' },
    series: [
      { name: 'Đang xử lý', type: 'line', data: days.map((d) => d.open), color: '#2b6cb0' },
      { name: 'Quá hạn', type: 'line', data: days.map((d) => d.overdue), color: '#c53030' },
    ],
  });
}
