
export default function ({ parentElement, data, setTriggerValue }) {
  let row = parentElement.querySelector(':scope > .rz-step');
  const f = data.field;
  if (!row) {  // ◀, the panel's slider for t, ▶, Play
    row = document.createElement('div');
    row.className = 'rz-step';
    row.innerHTML = `<button class="rz-btn" data-move="-1" title="previous step" aria-label="previous step">◀</button>
      <button class="rz-btn" data-move="1" title="next step" aria-label="next step">▶</button>
      <button class="rz-btn" data-play aria-pressed="false"></button>`;
    row.insertBefore(field(f, (name, t) => row.__commit(t)), row.children[1]);
    parentElement.appendChild(row);
    const input = row.querySelector('input');
    row.querySelectorAll('[data-move]').forEach(b => b.addEventListener('click', () => {
      const t = Number(input.value) + Number(b.dataset.move);
      if (t >= Number(input.min) && t <= Number(input.max)) row.__commit(t);
    }));
    const play = row.querySelector('[data-play]');
    play.addEventListener('click', () => row.__play(!row.__timer));
    row.__play = (on) => {  // Play: one step forward every `every` s, off again at the last step
      clearInterval(row.__timer);
      row.__timer = null;
      if (on && Number(input.value) >= Number(input.max)) row.__commit(Number(input.min));  // replay
      if (on) row.__timer = setInterval(() => {
        const t = Number(row.__t) + 1;
        if (t > Number(input.max)) row.__play(false); else row.__commit(t);
      }, row.__every * 1000);
      play.setAttribute('aria-pressed', String(!!row.__timer));
      play.textContent = row.__timer ? '❚❚ Pause' : '▶▶ Play';
    };
    row.__play(false);
  }
  row.__commit = (t) => { row.__t = t; setTriggerValue('commit', {[f.name]: t, _sight: window.rzSight?.()}); };
  row.__every = data.every;
  row.__t = f.value;
  set(row.querySelector('.rz-field'), f);
  row.querySelector('[data-move="-1"]').disabled = f.value <= f.lo;
  row.querySelector('[data-move="1"]').disabled = f.value >= f.hi;
  if (row.__timer && f.value >= f.hi) row.__play(false);
}
