// The rule editor: name, kind, language, order, enabled; a code editor for Lua/JavaScript or a form for
// tag-match rules. "Check" asks /api/rules/validate; "Save" checks first, then PUTs the rule.
import { api } from '../api.js';
import { h, fill, field, select, checkbox, errorBox, changeButton, act, splitList } from '../dom.js';
import { codeEditor } from './code-editor.js';

const KINDS = ['weight', 'enqueue', 'retry', 'limit_key'];
const LANGUAGES = [['tag_match', 'tag match (no code)'], ['lua', 'Lua'], ['javascript', 'JavaScript']];
const TAG_LISTS = ['job_all', 'job_any', 'job_none', 'worker_all', 'worker_any', 'worker_none'];
const TEMPLATES = {
  lua: 'function weight(job, worker)\n  if has(job.tags, "premium") and has(worker.tags, "premium") then\n    return 10\n  end\n  return 1\nend\n',
  javascript: 'function weight(job, worker) {\n  if (job.tags.indexOf("premium") >= 0 && worker.tags.indexOf("premium") >= 0) return 10;\n  return 1;\n}\n',
};

/** editor.load(rule) fills it; editor.draft() is the RuleInput it holds; onSaved(rule) runs after a save. */
export function ruleEditor(onSaved) {
  const name = h('input', { id: 'rule-name', placeholder: 'premium-boost', required: true });
  const kind = select(KINDS, 'weight');
  const language = select(LANGUAGES, 'tag_match');
  language.id = 'rule-language';
  const order = h('input', { type: 'number', value: '0', step: '1' });
  const enabled = checkbox('enabled', true);
  const code = codeEditor(TEMPLATES.lua);
  const lists = Object.fromEntries(TAG_LISTS.map((k) => [k, h('input', { id: 'tm-' + k, placeholder: 'tag, tag' })]));
  const action = select(['multiply', 'forbid', 'require'], 'multiply');
  action.id = 'tm-action';
  const factor = h('input', { id: 'tm-factor', type: 'number', value: '2', step: 'any', min: '0', max: '1000000' });
  const tagForm = h('div', null,
    h('p', { class: 'muted small' }, 'Matches when the job has all of job_all, one of job_any, none of job_none (and the same for the worker). Then: multiply the weight by the factor, forbid the pairing, or require it (forbid every other worker).'),
    h('div', { class: 'fields' }, TAG_LISTS.map((k) => field(k, lists[k]))),
    h('div', { class: 'fields' }, field('action', action), field('factor', factor)));
  const body = h('div');
  const error = errorBox();
  const ok = h('div', { class: 'notice', id: 'rule-ok' });
  ok.hidden = true;

  const showBody = () => {
    const tagMatch = language.value === 'tag_match';
    kind.disabled = tagMatch;
    if (tagMatch) kind.value = 'weight';
    fill(body, tagMatch ? tagForm : code);
  };
  language.addEventListener('change', () => {
    if (language.value !== 'tag_match' && (!code.getValue().trim() || Object.values(TEMPLATES).includes(code.getValue()))) code.setValue(TEMPLATES[language.value]);
    showBody();
  });

  const draft = () => {
    const rule = { name: name.value.trim() || 'draft', kind: kind.value, language: language.value, order: Number(order.value || 0), enabled: enabled.input.checked };
    if (language.value === 'tag_match') {
      const def = { action: action.value };
      for (const k of TAG_LISTS) { const v = splitList(lists[k].value); if (v.length) def[k] = v; }
      if (action.value === 'multiply') def.factor = Number(factor.value);
      rule.tag_match = def;
    } else rule.code = code.getValue();
    return rule;
  };

  const check = async () => {
    ok.hidden = true;
    code.markLine(null);
    try {
      await api.post('/rules/validate', draft());
      return true;
    } catch (e) {
      error.show(e);
      if (e.line) code.markLine(e.line);
      return false;
    }
  };

  // Checking runs the draft's code on the node: admins only, as saving is.
  const checkButton = changeButton('Check syntax', (e) => act(e.target, error, async () => {
    if (await check()) { ok.textContent = 'The rule compiles.'; ok.hidden = false; }
  }));
  checkButton.id = 'rule-check';
  const saveButton = changeButton('Save rule', (e) => act(e.target, error, async () => {
    if (!name.value.trim()) throw new Error('Give the rule a name first.');
    if (!(await check())) return;
    const saved = await api.put('/rules/' + encodeURIComponent(name.value.trim()), draft());
    ok.textContent = `Saved ${saved.name} (version ${saved.version}); every node uses it within moments.`;
    ok.hidden = false;
    onSaved(saved);
  }), 'primary');
  saveButton.id = 'rule-save';

  const el = h('div', { class: 'panel', id: 'rule-editor' },
    h('h2', null, 'Rule'),
    h('div', { class: 'fields' }, field('name', name), field('language', language), field('kind', kind), field('order', order), enabled),
    h('div', { class: 'progress' }, body), error, ok,
    h('div', { class: 'row' }, checkButton, saveButton,
      h('button', { type: 'button', onclick: () => el.load(null) }, 'New rule')));

  el.draft = draft;
  el.load = (rule) => {
    error.show(null);
    ok.hidden = true;
    name.value = rule?.name ?? '';
    kind.value = rule?.kind ?? 'weight';
    language.value = rule?.language ?? 'tag_match';
    order.value = String(rule?.order ?? 0);
    enabled.input.checked = rule?.enabled ?? true;
    if (rule && rule.language !== 'tag_match') code.setValue(rule.code);
    else code.setValue(TEMPLATES.lua);
    const def = rule?.language === 'tag_match' ? JSON.parse(rule.code || '{}') : {};
    for (const k of TAG_LISTS) lists[k].value = (def[k] ?? []).join(', ');
    action.value = def.action ?? 'multiply';
    factor.value = String(def.factor ?? 2);
    showBody();
    el.scrollIntoView({ block: 'nearest' });
  };
  showBody();
  return el;
}
