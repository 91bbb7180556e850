// Tiny DOM helpers: build elements, format values, show errors inline. No framework.
import { canChange } from './api.js';

/** h('button', {class: 'primary', onclick: f}, 'Save'): an element with properties/attributes and children. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'value') el.value = value;
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== undefined && v !== null) el.setAttribute(k, v);
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** A button that changes something: hidden for the read-only role (the API refuses those changes anyway). */
export function changeButton(label, onclick, cls = '') {
  const button = h('button', { class: ('change ' + cls).trim(), type: 'button', onclick }, label);
  if (!canChange()) { button.hidden = true; button.disabled = true; }
  return button;
}

/** An inline error box; show(err) fills it from an ApiError (or clears it with null). */
export function errorBox() {
  const box = h('div', { class: 'error', role: 'alert' });
  box.hidden = true;
  box.show = (err) => {
    box.hidden = !err;
    box.textContent = err ? (err.line ? `Line ${err.line}: ${err.message}` : err.message) : '';
  };
  return box;
}

/** Runs an action from a button: disables it meanwhile, shows a failure in the error box. */
export async function act(button, box, action) {
  if (button) button.disabled = true;
  box?.show(null);
  try {
    return await action();
  } catch (e) {
    if (box) box.show(e); else alert(e.message);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

export function badge(state) { return h('span', { class: 'badge ' + state, 'data-state': state }, state); }
export function tags(list) { return (list ?? []).map((t) => h('span', { class: 'tag' }, t)); }

export function time(value) {
  if (!value) return '—';
  const d = new Date(value);
  return h('span', { title: d.toISOString() }, d.toLocaleString());
}

export function ago(value) {
  if (!value) return '—';
  const seconds = Math.round((Date.now() - new Date(value).getTime()) / 1000);
  const text = seconds < 60 ? `${Math.max(seconds, 0)} s ago` : seconds < 3600 ? `${Math.round(seconds / 60)} min ago` : `${Math.round(seconds / 3600)} h ago`;
  return h('span', { title: new Date(value).toISOString() }, text);
}

export function num(n) { return n === null || n === undefined ? '—' : Number(n).toLocaleString(); }

/** A progress bar for one named counter; update(p) moves it. */
export function progressBar(p, mini = false) {
  const fillEl = h('div', { class: 'fill' });
  const label = h('div', { class: 'small spread' });
  const el = h('div', { class: mini ? 'mini progress' : 'progress', 'data-name': p.name }, mini ? null : label, h('div', { class: 'bar' }, fillEl));
  el.update = (q) => {
    const ratio = q.total > 0 ? Math.min(1, q.current / q.total) : 0;
    fillEl.style.width = (ratio * 100).toFixed(1) + '%';
    el.dataset.current = q.current;
    el.title = `${q.name}: ${q.current}${q.total > 0 ? ' / ' + q.total : ''}`;
    fill(label, h('span', null, h('b', null, q.name), q.text ? ' — ' + q.text : ''),
      h('span', { class: 'mono' }, `${q.current}${q.total > 0 ? ' / ' + q.total : ''}`));
  };
  el.update(p);
  return el;
}

export function table(headers, rows, empty = 'Nothing here yet.') {
  if (!rows.length) return h('p', { class: 'muted' }, empty);
  return h('table', null,
    h('thead', null, h('tr', null, headers.map((x) => h('th', { class: x.endsWith('#') ? 'num' : '' }, x.replace(/#$/, ''))))),
    h('tbody', null, rows));
}

/** A labelled form field. */
export function field(label, input, cls = '') { return h('label', { class: ('field ' + cls).trim() }, label, input); }
export function checkbox(label, checked) {
  const input = h('input', { type: 'checkbox', checked: !!checked });
  const el = h('label', { class: 'check' }, input, label);
  el.input = input;
  return el;
}

export function select(options, value) {
  return h('select', null, options.map((o) => {
    const [v, text] = Array.isArray(o) ? o : [o, o];
    return h('option', { value: v, selected: v === value }, text);
  }));
}

/** "a, b ,c" -> ["a","b","c"] */
export function splitList(text) { return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean); }
