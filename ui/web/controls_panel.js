
export default function ({ parentElement, data, setTriggerValue }) {
  let panel = parentElement.querySelector(':scope > .rz-panel');
  if (!panel) {
    panel = document.createElement('div');
    panel.className = 'rz-panel';
    parentElement.appendChild(panel);
  }
  // through this update's setTriggerValue: the controls' listeners outlive the update that built them
  panel.__commit = (name, v) => setTriggerValue('commit', {[name]: v, _sight: window.rzSight?.()});
  const commit = (name, v) => panel.__commit(name, v);
  panel.classList.toggle('rz-narrow', !!data.narrow);
  const names = data.fields.map(f => f.name + ':' + (f.choices || []).join(',')).join(' ');
  if (panel.__names !== names) {  // the set of sliders changed (H = 1 ↔ H > 1): build them again
    panel.replaceChildren(...data.fields.map(f => field(f, commit)));
    panel.__names = names;
    // a phone's copy of the sidebar's sliders: no input names, so a field looked up by name (a test, a
    // benchmark) is the sidebar's one, as on a page without the copy
    if (data.narrow) panel.querySelectorAll('input[name]').forEach(i => i.removeAttribute('name'));
  }
  data.fields.forEach((f, i) => set(panel.children[i], f));
}
