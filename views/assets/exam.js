/* Exam pages, progressively enhanced (the paper is a plain form that works without this file):
 server-synced countdown, one question at a time with a navigator and keys, autosave through a
 localStorage journal (offline- and multi-tab-safe: per item the newest change wins), submit dialog. */
(() => {
'use strict';
const d = document, lang = d.documentElement.lang;
const $ = (s, r) => (r || d).querySelector(s), $$ = (s, r) => [...(r || d).querySelectorAll(s)];
// Dates come in UTC; show the reader's own time.
$$('time[data-local]').forEach((el) => {
  const t = new Date(el.getAttribute('datetime'));
  if (!isNaN(t)) el.textContent = t.toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' });
});
const form = $('#exam-form'), data = $('#exam-data');
if (!form || !data) return;

const cfg = JSON.parse(data.textContent), M = cfg.messages, id = cfg.id;
const fmt = (s, v) => s.replace(/\{(\w+)\}/g, (_, k) => v[k]);
const offset = Date.parse(cfg.serverNow) - Date.now(), now = () => Date.now() + offset;
const deadline = Date.parse(cfg.deadline), JKEY = 'ate-journal:' + id, api = '/api/attempts/' + id;
const items = $$('.exam-item', form), byId = new Map(items.map((el) => [el.dataset.item, el]));
const grid = $('#exam-grid'), links = new Map($$('a', grid).map((a) => [a.dataset.item, a]));
const saveEl = $('#exam-save'), dlg = $('#exam-dialog');
// Per item, the (server-clock) time of the state shown here: the server's savedAt or a journal entry.
const known = {};
items.forEach((el) => (known[el.dataset.item] = Date.parse(el.dataset.savedAt) || 0));
let closed = false, lastSaved = 0, cur = 0, running = null;
d.body.classList.add('exam-js');

// ---- answers in the DOM
const inputs = (el) => $$('.qp-options input, .qp-fill input', el), flag = (el) => $('[data-flag]', el);
const answered = (r) => r != null && (Array.isArray(r) ? r.length > 0 : typeof r != 'string' || r.trim() != '');
function read(el) {
  const type = el.dataset.type, ins = inputs(el);
  if (type == 'fill') return ins[0].value.trim() ? ins[0].value : null;
  const v = ins.filter((i) => i.checked).map((i) => i.value);
  if (!v.length) return null;
  return type == 'multiple' ? v : type == 'truefalse' ? v[0] == 'true' : v[0];
}
function write(el, r, f) {
  const v = [].concat(r == null ? [] : r).map(String);
  inputs(el).forEach((i) => (i.type == 'text' ? (i.value = r || '') : (i.checked = v.includes(i.value))));
  flag(el).checked = !!f;
  mark(el);
}
function mark(el) {
  const a = answered(read(el)), f = flag(el).checked;
  for (const n of [el, links.get(el.dataset.item)]) n.classList.toggle('is-answered', a), n.classList.toggle('is-flagged', f);
  $('#exam-answered').textContent = items.filter((i) => i.classList.contains('is-answered')).length;
}
function itemState(item, s) {
  const box = byId.has(item) && $('[data-state]', byId.get(item));
  if (box) (box.dataset.state = s), (box.textContent = M['item' + s[0].toUpperCase() + s.slice(1)] || '');
}
function status(s) {
  saveEl.dataset.state = s;
  const time = new Date(lastSaved - offset).toLocaleTimeString(lang, { hour12: false });
  saveEl.textContent = s == 'saved' ? (lastSaved ? fmt(M.saved, { time }) : '') : M[s];
}

// ---- journal first, then the server
// Storage may be off (private mode) or full: then the server copy alone stands.
const ls = (f, dflt) => { try { return f(localStorage); } catch (e) { return dflt; } };
const load = () => ls((s) => JSON.parse(s.getItem(JKEY)), 0) || {};
const store = (j) => ls((s) => (Object.keys(j).length ? s.setItem(JKEY, JSON.stringify(j)) : s.removeItem(JKEY)));
const pending = () => Object.keys(load()).length;
const timers = {};
function changed(el, delay) {
  mark(el);
  const item = el.dataset.item, j = load();
  known[item] = Math.max(now(), known[item] + 1);
  j[item] = { r: read(el), f: flag(el).checked, t: known[item] };
  store(j);
  itemState(item, 'saving');
  clearTimeout(timers[item]);
  timers[item] = setTimeout(flush, delay || 0);
}
const flush = () => (running = running || send().finally(() => (running = null)));
async function send() {
  if (closed) return;
  try {
    for (let j = load(), item; (item = Object.keys(j).sort((a, b) => j[a].t - j[b].t)[0]); j = load()) {
      const e = j[item];
      status('saving');
      const res = await fetch(api + '/answers/' + item, {
        method: 'PUT', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ response: e.r, flagged: e.f }),
      });
      if (res.status == 409) return close();
      if (res.status == 401) return status('signedOut');
      if (res.status >= 500) throw new Error(res.status);
      if (res.ok) known[item] = Math.max(known[item], (lastSaved = Date.parse((await res.json()).savedAt) || now()));
      // Any other refusal is dropped: sending it again cannot help.
      const latest = load();
      if (latest[item] && latest[item].t == e.t) delete latest[item], store(latest), itemState(item, res.ok ? 'saved' : 'none');
    }
    status('saved');
  } catch (err) {
    // fetch rejects with a TypeError when the network is gone; a 5xx is the server's trouble.
    status(err instanceof TypeError ? 'offline' : 'failed');
    Object.keys(load()).forEach((item) => itemState(item, 'offline'));
  }
}
function close() {
  closed = true;
  store({});
  location.href = api.replace('/api', '') + '/result';
}
// Replay what never reached the server, unless the server already holds something newer.
const journal = load();
for (const item of Object.keys(journal)) {
  const el = byId.get(item), e = journal[item];
  if (!el || e.t <= known[item]) delete journal[item];
  else write(el, e.r, e.f), (known[item] = e.t), itemState(item, 'offline');
}
store(journal);
flush();
addEventListener('online', flush);
addEventListener('offline', () => status('offline'));
setInterval(() => pending() && !closed && flush(), 5000);
// Another tab changed an answer: show it here too. An entry that tab just wrote is its candidate's
// latest action, so it wins whatever its timestamp (tab clocks differ by their page-load latency).
addEventListener('storage', (ev) => {
  if (ev.key != JKEY) return;
  const parse = (v) => ls(() => JSON.parse(v)) || {}, was = parse(ev.oldValue), j = parse(ev.newValue);
  for (const item of Object.keys(j)) {
    const el = byId.get(item), e = j[item];
    if (el && (!was[item] || was[item].t != e.t)) (known[item] = Math.max(known[item], e.t)), write(el, e.r, e.f);
  }
});
form.addEventListener('change', (e) => {
  const el = e.target.closest('.exam-item');
  if (el) changed(el);
});
form.addEventListener('input', (e) => {
  const el = e.target.type == 'text' && e.target.closest('.exam-item');
  if (el) changed(el, 800);
});

// ---- one question at a time
function reveal(box, el) {
  const b = box.getBoundingClientRect(), r = el.getBoundingClientRect();
  if (r.left < b.left || r.right > b.right) box.scrollLeft += r.left - b.left - b.width / 2;
  if (r.top < b.top || r.bottom > b.bottom) box.scrollTop += r.top - b.top - b.height / 2;
}
function show(i, focus) {
  const old = links.get(items[cur].dataset.item);
  items[cur].classList.remove('is-current');
  old.classList.remove('is-current');
  old.removeAttribute('aria-current');
  const el = items[(cur = Math.max(0, Math.min(items.length - 1, i)))], link = links.get(el.dataset.item);
  el.classList.add('is-current');
  link.classList.add('is-current');
  link.setAttribute('aria-current', 'step');
  reveal(grid, link);
  reveal(grid.parentNode, link);
  history.replaceState(null, '', '#' + el.id);
  $('#exam-position').textContent = fmt(M.position, { n: cur + 1, total: items.length });
  if (focus === false) return;
  el.focus({ preventScroll: true });
  const top = el.getBoundingClientRect().top;
  if (top < 0 || top > innerHeight * 0.6) el.scrollIntoView({ block: 'start' });
}
const start = items.findIndex((el) => '#' + el.id == location.hash);
show(start < 0 ? 0 : start, false);
addEventListener('resize', () => reveal(grid, links.get(items[cur].dataset.item)));
grid.addEventListener('click', (e) => {
  const a = e.target.closest('a');
  if (a) e.preventDefault(), show(items.indexOf(byId.get(a.dataset.item)));
});
$$('[data-go]', form).forEach((b) => b.addEventListener('click', () => show(cur + +b.dataset.go)));

d.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || dlg.open || closed) return;
  const t = e.target, el = items[cur], k = e.key;
  if (t.matches('input[type=text], textarea, select, [contenteditable]')) {
    // Typing an answer: every key types, except Enter (next question) and Esc (leave the field).
    if (k == 'Enter') e.preventDefault(), changed(t.closest('.exam-item')), show(cur + 1);
    else if (k == 'Escape') el.focus();
    return;
  }
  if (k == 'ArrowLeft' || k == 'k') show(cur - 1);
  else if (k == 'ArrowRight' || k == 'j') show(cur + 1);
  else if (k == 'f') (flag(el).checked = !flag(el).checked), changed(el);
  else if (/^[1-6a-e]$/.test(k)) {
    const input = $$('.qp-options input', el)[/\d/.test(k) ? k - 1 : k.charCodeAt(0) - 97];
    if (!input) return;
    input.checked = input.type == 'checkbox' ? !input.checked : true;
    changed(el);
  } else if (k == 'Enter' && t == el && el.dataset.type == 'fill') inputs(el)[0].focus();
  else return;
  e.preventDefault();
});

// ---- the other language
const langBtn = $('#exam-lang');
function other(on) {
  $$('details[data-other]', form).forEach((x) => (x.open = on));
  langBtn.setAttribute('aria-pressed', on);
  langBtn.textContent = on ? M.hideOther : M.showOther;
  ls((s) => s.setItem('ate-show-other', on ? '1' : ''));
}
langBtn.addEventListener('click', () => other(langBtn.getAttribute('aria-pressed') != 'true'));
if (ls((s) => s.getItem('ate-show-other'))) other(true);

// ---- countdown
const clock = $('#exam-clock'), timer = $('#exam-timer'), alertEl = $('#exam-alert'), warned = {};
const pad = (n) => String(n).padStart(2, '0');
const say = (msg) => ((alertEl.textContent = msg), (alertEl.hidden = false));
(function tick() {
  const left = Math.max(0, Math.ceil((deadline - now()) / 1000));
  clock.textContent = pad(Math.floor(left / 60)) + ':' + pad(left % 60);
  timer.classList.toggle('is-warn', left <= 600);
  timer.classList.toggle('is-danger', left <= 60);
  for (const [hi, lo, key] of [[600, 60, 'warn10'], [60, 0, 'warn1']]) if (left <= hi && left > lo && !warned[key]) say(M[(warned[key] = key)]);
  if (left > 0) return setTimeout(tick, 1005 - (now() % 1000));
  say(M.timeUp);
  submit(true);
})();

// ---- submitting
let forced = false;
async function submit(auto) {
  if (closed) return;
  status('submitting');
  await flush();
  const left = pending();
  if (left && !auto && !forced) {
    const p = $('[data-pending]', dlg);
    p.textContent = fmt(M.pendingSaves, { n: left });
    p.hidden = false;
    forced = true; // a second click submits anyway
    return status('offline');
  }
  try {
    const res = await fetch(api + '/submit', {
      method: 'POST', credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(auto ? { reason: 'time_up' } : {}),
    });
    if (res.ok || res.status == 409) return close();
    throw new Error(res.status);
  } catch (e) {
    status('offline');
    if (auto) setTimeout(submit, 5000, true);
  }
}
function chips(list, sel) {
  const ul = $(sel, dlg);
  ul.replaceChildren(...list.map((el) => {
    const li = d.createElement('li'), b = li.appendChild(d.createElement('button'));
    b.type = 'button';
    b.textContent = items.indexOf(el) + 1;
    b.onclick = () => (dlg.close(), show(items.indexOf(el)));
    return li;
  }));
  ul.parentNode.hidden = !list.length;
}
form.addEventListener('submit', (e) => {
  const go = e.submitter && e.submitter.value;
  if (go == 'confirm' && !dlg.showModal) return; // no <dialog>: the confirmation page
  e.preventDefault();
  if (go != 'confirm') return flush();
  const open = items.filter((el) => !el.classList.contains('is-answered'));
  chips(open, '[data-unanswered]');
  chips(items.filter((el) => el.classList.contains('is-flagged')), '[data-flagged]');
  $('[data-summary]', dlg).textContent = fmt(M.summary, { answered: items.length - open.length, total: items.length }) + (open.length ? '' : ' ' + M.allAnswered);
  $('[data-pending]', dlg).hidden = true;
  forced = false;
  dlg.showModal();
});
$('[data-close]', dlg).onclick = () => dlg.close();
$('[data-confirm]', dlg).onclick = () => submit(false);
})();
