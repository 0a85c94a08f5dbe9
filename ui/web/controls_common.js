
function fill(input) {  // the track left of the thumb in the primary colour
  const lo = Number(input.min), hi = Number(input.max);
  input.style.setProperty('--fill', (hi > lo ? (Number(input.value) - lo) / (hi - lo) * 100 : 0) + '%');
}
function hold(input) {  // while the pointer holds a thumb, Python's value does not pull it back
  input.addEventListener('pointerdown', () => { input.__held = true; });
  for (const e of ['pointerup', 'pointercancel', 'change']) input.addEventListener(e, () => { input.__held = false; });
}
function place(input, v) {  // show Python's value unless the user holds this slider
  if (!input.__held && (input.value === "" || Number(input.value) !== v)) input.value = v;
}

const show = (f, v) => Number(v).toFixed(f.decimals);
function help(box, name, f, id) {  // "?" opens the help under the label (click, tap, Enter/Space; Esc closes)
  const q = document.createElement('button');
  q.type = 'button'; q.className = 'rz-help'; q.textContent = '?';
  q.setAttribute('aria-label', 'About ' + f.label);
  q.setAttribute('aria-expanded', 'false');
  q.setAttribute('aria-controls', id + '-help');
  const tip = document.createElement('div');
  tip.className = 'rz-tip'; tip.id = id + '-help'; tip.textContent = f.help; tip.hidden = true;
  const open = (on) => { tip.hidden = !on; q.setAttribute('aria-expanded', String(on)); };
  q.addEventListener('click', () => open(tip.hidden));
  q.addEventListener('keydown', (e) => { if (e.key === 'Escape') open(false); });
  name.appendChild(q);
  box.appendChild(tip);
}
function field(f, commit) {  // label, value, native range (or number box), ends
  const box = document.createElement('div');
  box.className = 'rz-field';
  box.dataset.name = f.name;
  const id = 'rz-' + f.name + '-' + (window.__rzFields = (window.__rzFields || 0) + 1);  // (page-wide: both kinds)
  const head = document.createElement('div');
  head.className = 'rz-head';
  const name = document.createElement('span');
  name.className = 'rz-name';
  const label = document.createElement('label');
  label.textContent = f.label;
  label.htmlFor = id;
  name.appendChild(label);
  head.appendChild(name);
  box.appendChild(head);
  if (f.help) help(box, name, f, id);
  if (f.kind === 'bool') return toggle(box, f, commit, id);
  const steps = f.kind === 'choice' && f.widget === 'slider';  // a choice on a slider: one step per choice
  if (f.kind === 'choice' && !steps) return choice(box, f, commit, id);
  const input = document.createElement('input');
  input.name = f.name;
  input.id = id;
  if (f.help) input.setAttribute('aria-describedby', id + '-help');
  if (f.widget === 'number') {
    input.type = 'number';
    input.className = 'rz-number';
    box.appendChild(input);
  } else {
    const value = document.createElement('span');
    value.className = 'rz-value';
    head.appendChild(value);
    input.type = 'range';
    input.className = 'rz-range';
    box.appendChild(input);
    const ends = document.createElement('div');
    ends.className = 'rz-ends';
    ends.innerHTML = '<span></span><span></span>';
    box.appendChild(ends);
    input.addEventListener('input', () => { value.textContent = steps ? named(f, input) : show(f, input.value); fill(input); });
  }
  hold(input);
  input.addEventListener('change', () => {
    const v = Number(input.value);
    if (input.value === '' || !Number.isFinite(v)) { set(box, f); return; }  // an emptied number box
    commit(f.name, steps ? f.choices[v] : v);
  });
  return box;
}
function named(f, input) {  // a choice slider's value: the choice's name, also for a screen reader
  const text = f.names[Number(input.value)] ?? '';
  input.setAttribute('aria-valuetext', text);
  return text;
}
function toggle(box, f, commit, id) {  // an on/off switch before its label
  const input = document.createElement('input');
  Object.assign(input, {type: 'checkbox', className: 'rz-switch', name: f.name, id});
  input.setAttribute('role', 'switch');
  if (f.help) input.setAttribute('aria-describedby', id + '-help');
  box.querySelector('.rz-name').prepend(input);
  input.addEventListener('change', () => commit(f.name, input.checked));
  return box;
}
function choice(box, f, commit, id) {  // a row of radio buttons, or a drop-down for widget="select"
  let pick;
  if (f.widget === 'select') {
    pick = document.createElement('select');
    pick.className = 'rz-select';
    pick.name = f.name;
    pick.id = id;
    f.choices.forEach((c, i) => pick.add(new Option(f.names[i], c)));
  } else {
    pick = document.createElement('div');
    pick.className = f.widget === 'segmented' ? 'rz-choices rz-segmented' : 'rz-choices';
    pick.setAttribute('role', 'radiogroup');
    pick.setAttribute('aria-label', f.label);
    box.querySelector('label').removeAttribute('for');  // (a group has no one input to point at)
    pick.innerHTML = f.choices.map((c, i) =>
      `<label><input type="radio" name="${f.name}" value="${c}"><span class="rz-opt"><span></span></span></label>`).join('');
    pick.querySelectorAll('.rz-opt > span').forEach((s, i) => { s.textContent = f.names[i]; });
    if (f.captions) {  // a line under each choice's name
      pick.classList.add('rz-captioned');
      pick.querySelectorAll('.rz-opt').forEach((o, i) => {
        o.appendChild(Object.assign(document.createElement('small'), {className: 'rz-caption', textContent: f.captions[i]}));
      });
    }
  }
  if (f.help) pick.setAttribute('aria-describedby', id + '-help');
  pick.addEventListener('change', (e) => commit(f.name, e.target.value));
  box.appendChild(pick);
  return box;
}
function set(box, f) {  // the field's range and Python's value
  box.querySelectorAll('input, select').forEach(e => { e.disabled = !!f.disabled; });
  if (f.kind === 'bool') { box.querySelector('input').checked = !!f.value; return; }
  if (f.kind === 'choice' && f.widget === 'slider') {
    const input = box.querySelector('input');
    Object.assign(input, {min: 0, max: f.choices.length - 1, step: 1});
    place(input, f.choices.indexOf(f.value));
    box.querySelector('.rz-value').textContent = named(f, input);
    const [lo, hi] = box.querySelectorAll('.rz-ends span');
    lo.textContent = f.names[0]; hi.textContent = f.names[f.names.length - 1];
    fill(input);
    return;
  }
  if (f.kind === 'choice') {
    const select = box.querySelector('select');
    if (select) select.value = f.value;
    else box.querySelectorAll('input').forEach(r => { r.checked = r.value === f.value; });
    return;
  }
  const input = box.querySelector('input');
  Object.assign(input, {min: f.lo, max: f.hi, step: f.step});
  place(input, f.value);
  const value = box.querySelector('.rz-value');
  if (value) {
    value.textContent = show(f, input.__held ? input.value : f.value);  // off the step grid too (a gradient step)
    const [lo, hi] = box.querySelectorAll('.rz-ends span');
    lo.textContent = show(f, f.lo); hi.textContent = show(f, f.hi);
    fill(input);
  }
}
