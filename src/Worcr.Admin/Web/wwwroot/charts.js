// Hand-drawn SVG charts: a line chart of time series with axes, grid and legend.
import { h, svg } from './dom.js';

const W = 640, H = 200, LEFT = 60, RIGHT = 10, TOP = 10, BOTTOM = 24;

/** lineChart(times, [{name, color, values}], unit): values may hold nulls (gaps). */
export function lineChart(times, series, unit = '') {
  const all = series.flatMap((s) => s.values).filter((v) => v !== null && v !== undefined);
  const max = niceMax(Math.max(1, ...all));
  const n = Math.max(times.length - 1, 1);
  const x = (i) => LEFT + (i / n) * (W - LEFT - RIGHT);
  const y = (v) => TOP + (1 - v / max) * (H - TOP - BOTTOM);
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img' });

  for (let k = 0; k <= 4; k++) {
    const v = (max / 4) * k;
    chart.append(svg('line', { class: 'grid', x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v) }),
      svg('text', { x: LEFT - 6, y: y(v) + 4, 'text-anchor': 'end' }, short(v) + unit));
  }
  chart.append(svg('line', { class: 'axis', x1: LEFT, x2: W - RIGHT, y1: y(0), y2: y(0) }));
  const step = Math.max(1, Math.ceil(times.length / 6));
  times.forEach((t, i) => {
    if (i % step !== 0 && i !== times.length - 1) return;
    const label = new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    chart.append(svg('text', { x: x(i), y: H - 6, 'text-anchor': 'middle' }, label));
  });

  for (const s of series) {
    let d = '';
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) return;
      d += `${d && s.values[i - 1] !== null && s.values[i - 1] !== undefined ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    });
    chart.append(svg('path', { d, fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-linejoin': 'round', 'data-series': s.name }));
  }
  if (!times.length) chart.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no data yet'));
  const legend = h('div', { class: 'legend' }, series.map((s) => {
    const swatch = h('i');
    swatch.style.background = s.color;
    return h('span', null, swatch, s.name);
  }));
  return h('div', null, chart, legend);
}

function niceMax(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function short(v) {
  if (v >= 1e6) return (v / 1e6).toFixed(1).replace(/\.0$/, '') + 'M';
  if (v >= 1e3) return (v / 1e3).toFixed(1).replace(/\.0$/, '') + 'k';
  return String(Math.round(v * 10) / 10);
}
