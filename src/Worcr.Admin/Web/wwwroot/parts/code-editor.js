// A code editor for Lua and JavaScript rules: a textarea with a line-number gutter that can mark the line an
// error is on. Tab inserts two spaces.
import { h, fill } from '../dom.js';

export function codeEditor(initial = '') {
  const textarea = h('textarea', { class: 'code', spellcheck: 'false', autocapitalize: 'off', wrap: 'off', value: initial, 'aria-label': 'rule code' });
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' });
  const el = h('div', { class: 'editor' }, gutter, textarea);
  let badLine = null;

  const paint = () => {
    const count = textarea.value.split('\n').length;
    fill(gutter, Array.from({ length: count }, (_, i) => [i + 1 === badLine ? h('span', { class: 'bad' }, String(i + 1)) : String(i + 1), '\n']));
    gutter.scrollTop = textarea.scrollTop;
  };
  textarea.addEventListener('input', () => { badLine = null; paint(); });
  textarea.addEventListener('scroll', () => { gutter.scrollTop = textarea.scrollTop; });
  textarea.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab' || e.shiftKey) return;
    e.preventDefault();
    textarea.setRangeText('  ', textarea.selectionStart, textarea.selectionEnd, 'end');
    paint();
  });

  el.textarea = textarea;
  el.getValue = () => textarea.value;
  el.setValue = (v) => { textarea.value = v; badLine = null; paint(); };
  /** Marks a line (1-based) as the error's, scrolls to it; null clears. */
  el.markLine = (line) => {
    badLine = line ?? null;
    paint();
    if (line) textarea.scrollTop = Math.max(0, (line - 3) * 18);
  };
  paint();
  return el;
}
