// The decision meeting's weight board (pages/comparaison.py, ui.widgets.meeting_board).
//
// Sliders, the ranking chart and the ranking table, recomputed here on every slider input: a
// move redraws the ranking without a round trip to the server. The weights on screen are sent
// to the server (component state « weights ») once the sliders are let go — after a short pause,
// or at once when the focus leaves the board — and the server then computes everything else
// from them (sentence, robustness, gaps, files, saving): the server's copy is the one source of
// truth for what is saved and exported; this copy only draws.
//
// The arithmetic mirrors selection/analysis/scoring.py (compare, rank, tie_key) and the French
// formatting selection/domain/formatting.py; tests/e2e/test_meeting_board.py checks the board
// against the server's export for random weights.

const BOARDS = (globalThis.__selectionBoards ||= new Map());
const NNBSP = "\u202f";
const TIE_FACTOR = 1e9;
const SYNC_AFTER_MS = 600;

const esc = (value) =>
  String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

// format(x, f".{d}f") as Python writes it: from the exact value of the double, halves to even
// (toFixed takes halves away from zero; both agree on every other value).
function fixed(x, d) {
  const long = Math.abs(x).toFixed(Math.min(d + 30, 100));
  const dot = long.indexOf(".");
  if (/^50*$/.test(long.slice(dot + 1 + d))) {
    const kept = long.slice(0, d > 0 ? dot + 1 + d : dot);
    if (Number(kept[kept.length - 1]) % 2 === 0) return (x < 0 ? "-" : "") + kept;
  }
  return x.toFixed(d);
}

function frNumber(value, decimals) {
  if (value === null || !Number.isFinite(value)) return "—";
  let text = fixed(value, decimals);
  const negative = text.startsWith("-");
  if (negative) text = text.slice(1);
  let [whole, frac] = text.split(".");
  whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, NNBSP);
  return (negative ? "-" : "") + whole + (frac !== undefined ? "," + frac : "");
}

// A figure as it is written: rounded to 9 decimals first (analysis/meeting.py, SHOWN_DECIMALS),
// so the order in which a sum was added up never decides how 5,45 is written.
const shown = (value) => Number(value.toFixed(9));

const frPercent = (share) =>
  share === null || !Number.isFinite(share) ? "—" : `${frNumber(shown(share) * 100, 0)}${NNBSP}%`;

function formatScore(value, view) {
  if (value === null || !Number.isFinite(value)) return "—";
  if (view === "moyenne") return frPercent(value);
  if (view === "matrice") return frNumber(shown(value), 1);
  return frNumber(shown(value), 0);
}

// numpy.rint: halves to even
function rint(x) {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// --- scoring (scoring.weighted_scores, validated_points, Comparison.contributions) ---------

function score(board, weights) {
  const crit = board.criteria;
  const w = crit.map((c) => weights[c.id] ?? c.saved);
  const total = w.reduce((a, b) => a + b, 0);
  return board.candidates.map((cand) => {
    let knownW = 0, norm = 0, raw = 0;
    cand.means.forEach((m, k) => {
      if (m === null) return;
      knownW += w[k];
      norm += ((m - 1) / 2) * w[k];
      raw += m * w[k];
    });
    const missingW = total - knownW;
    const s = knownW > 0 ? norm / knownW : NaN;
    const meanRating = knownW > 0 ? raw / knownW : NaN;
    const parts = { moyenne: [], matrice: [], valides: [] };
    cand.means.forEach((m, k) => {
      const known = m !== null;
      const p1 = known ? (((m - 1) / 2) * w[k]) / knownW : 0;
      const p2 = known ? m * w[k] * (total / knownW) : 0;
      const p3 = known && m >= board.validation ? crit[k].level : 0;
      parts.moyenne.push(Number.isFinite(p1) ? p1 : 0);
      parts.matrice.push(Number.isFinite(p2) ? p2 : 0);
      parts.valides.push(p3);
    });
    return {
      cand,
      total,
      moyenne: [s, norm / total, (norm + missingW) / total],
      matrice: [meanRating * total, raw + missingW * 1, raw + missingW * 3],
      valides: [cand.points, cand.points, cand.pointsMax],
      coverage: knownW / total,
      parts,
    };
  });
}

// scoring.rank / ranking_order / score_key: tie keys on the 0–1 scale, no evidence last,
// equal keys share a rank and are listed by name; in « valides » a blocked person is listed
// after the others, without a rank.
function ranked(board, rows, view) {
  const scale =
    view === "matrice" ? rows.length && rows[0].total * 3 : view === "valides" ? board.pointsTotal : 1;
  const keyed = rows.map((r) => {
    let v = r[view][0];
    if (view !== "moyenne" && !r.cand.rated) v = NaN;
    const key = Number.isFinite(v) ? rint((v / (scale > 0 ? scale : 1)) * TIE_FACTOR) : NaN;
    return { r, key, shown: view !== "moyenne" && !r.cand.rated ? NaN : r[view][0] };
  });
  const order = (list) =>
    list.sort((a, b) => {
      const ma = Number.isNaN(a.key), mb = Number.isNaN(b.key);
      if (ma !== mb) return ma ? 1 : -1;
      if (!ma && a.key !== b.key) return b.key - a.key;
      return a.r.cand.nameOrder - b.r.cand.nameOrder;
    });
  const withRanks = (list) => {
    let start = 0;
    list.forEach((item, i) => {
      if (i === 0 || item.key !== list[i - 1].key) start = i;
      item.rank = Number.isNaN(item.key) ? null : start + 1;
    });
    return list;
  };
  if (view !== "valides") return withRanks(order(keyed));
  const open = withRanks(order(keyed.filter((k) => !k.r.cand.blocked)));
  const blocked = order(keyed.filter((k) => k.r.cand.blocked));
  blocked.forEach((k) => (k.rank = null));
  return open.concat(blocked);
}

// --- drawing ---------------------------------------------------------------------------------

const pct = (value, top) =>
  `${(Number.isFinite(value) && top > 0 ? Math.min(Math.max(value / top, 0), 1) * 100 : 0).toFixed(2)}%`;

function axisTop(board, view, rows) {
  if (view === "moyenne") return 1;
  if (view === "matrice") return (rows.length && rows[0].total * 3) || 1;
  return board.pointsTotal || 1;
}

function ticks(view, top) {
  if (view === "moyenne") return [0, 20, 40, 60, 80, 100].map((v) => [v / 100, `${v}${NNBSP}%`]);
  const step = Math.max(1, Math.ceil(top / 5));
  const out = [];
  for (let v = 0; v <= top + 1e-9; v += step) out.push([v, frNumber(v, view === "valides" ? 0 : 1)]);
  if (out[out.length - 1][0] < top - 1e-9) out.push([top, frNumber(top, view === "valides" ? 0 : 1)]);
  return out;
}

function chartHtml(board, list, top) {
  const view = board.view;
  const rows = list.map(({ r, shown }) => {
    let start = 0;
    const segs = [];
    r.parts[view].forEach((value, k) => {
      const c = board.criteria[k];
      if (value > 0) {
        const hint = `${c.numbered} : ${r.cand.means[k] === null ? "non évalué" : formatScore(value, view)}`;
        const number = value >= board.labelShare * top ? String(k + 1) : "";
        segs.push(
          `<span class="sel-seg" style="left:${pct(start, top)};width:${pct(value, top)};` +
            `background:${c.colour};color:${c.ink}" title="${esc(hint)}">${number}</span>`
        );
      }
      start += value;
    });
    const low = view === "valides" ? shown : r[view][1];
    const high = r[view][2];
    if (r.cand.rated && Number.isFinite(low) && Number.isFinite(high))
      segs.push(`<span class="sel-int" style="left:${pct(low, top)};width:${pct(high - low, top)}"></span>`);
    if (r.cand.rated && Number.isFinite(shown))
      segs.push(`<span class="sel-tick" style="left:${pct(shown, top)}"></span>`);
    const badge = r.cand.rated ? { bloquant: " ⛔", a_confirmer: " ❓" }[r.cand.mustHave] || "" : "";
    return (
      `<div class="sel-rank-row"><span class="sel-rank-name" title="${esc(r.cand.name)}">` +
      `${esc(r.cand.name)}${badge}</span><span class="sel-rank-track">${segs.join("")}</span>` +
      `<span class="sel-rank-score">${esc(formatScore(shown, view))}</span></div>`
    );
  });
  const axis = ticks(view, top)
    .map(([v, t]) => `<span class="sel-t" style="left:${pct(v, top)}">${esc(t)}</span>`)
    .join("");
  return (
    rows.join("") +
    `<div class="sel-rank-axis" aria-hidden="true"><span></span><span class="sel-rank-track">${axis}</span><span></span></div>` +
    `<div class="sel-rank-title">${esc(board.axisTitle)}</div>`
  );
}

// The table's cells, as selection/analysis/meeting.display_table writes them.
function tableCells(board, list) {
  const view = board.view;
  return list.map(({ r, rank, shown }) => {
    // In the guide's view the interval starts at the points themselves (blank without a rating).
    const low = view === "valides" ? shown : r[view][1];
    const high = r[view][2];
    return [
      rank === null ? "—" : String(rank),
      r.cand.name,
      formatScore(shown, view),
      `${formatScore(low, view)} – ${formatScore(high, view)}`,
      frPercent(r.coverage),
      r.cand.mustHaveLabel,
      r.cand.signals,
      r.cand.stage,
      r.cand.status,
    ];
  });
}

function tableHtml(board, list) {
  const h = board.headers;
  const labels = ["Rang", "Candidat·e", h.score, "Intervalle", "Couverture", "Obligatoires", "Signaux", "Étape", "Statut"];
  const head =
    `<tr><th scope="col">Rang</th><th scope="col">Candidat·e</th>` +
    `<th scope="col" title="${esc(board.help.score)}">${esc(h.score)}</th>` +
    `<th scope="col" title="${esc(board.help.intervalle)}">Intervalle (pire – meilleur)</th>` +
    `<th scope="col" title="${esc(board.help.couverture)}">Couverture</th>` +
    `<th scope="col">Critères obligatoires</th><th scope="col">Signaux</th>` +
    `<th scope="col">Étape</th><th scope="col">Statut</th></tr>`;
  const body = tableCells(board, list)
    .map(
      ([rank, name, ...rest]) =>
        `<tr><td data-label="Rang">${esc(rank)}</td><th scope="row">${esc(name)}</th>` +
        rest.map((cell, i) => `<td data-label="${esc(labels[i + 2])}">${esc(cell)}</td>`).join("") +
        "</tr>"
    )
    .join("");
  return `<table class="sel-table"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

// The ranking table for these weights (tests compare it with the server's).
function boardTable(board, weights) {
  return tableCells(board, ranked(board, score(board, weights), board.view));
}

function slidersHtml(board, weights) {
  return board.criteria
    .map((c) => {
      const id = `${board.key}-w-${c.n}`;
      const v = weights[c.id];
      return (
        `<div class="sel-slider"><label for="${id}">${esc(c.numbered)}</label>` +
        `<div class="sel-slider-row"><input type="range" id="${id}" data-criterion="${esc(c.id)}" ` +
        `min="0" max="3" step="0.1" value="${v}" aria-valuetext="${esc(frNumber(v, 1))}" ` +
        `aria-describedby="${id}-level"><output for="${id}">${esc(frNumber(v, 1))}</output></div>` +
        `<small id="${id}-level">${esc(c.levelLabel)} · cadrage : ${esc(frNumber(c.saved, 1))}` +
        `</small></div>`
      );
    })
    .join("");
}

function changed(board, weights) {
  return board.criteria.some((c) => Math.abs((weights[c.id] ?? c.saved) - c.saved) > 1e-9);
}

function draw(state) {
  const { board, weights, root } = state;
  const rows = score(board, weights);
  const list = ranked(board, rows, board.view);
  const top = axisTop(board, board.view, rows);
  root.querySelector(".sel-rank").innerHTML = chartHtml(board, list, top);
  root.querySelector(".sel-table-wrap").innerHTML = tableHtml(board, list);
  const moved = changed(board, weights);
  root.querySelector(".sel-simulation").hidden = !moved;
  for (const b of root.querySelectorAll("button[data-action]")) {
    b.disabled = !moved || (b.dataset.action === "save" && !board.canSave);
  }
}

function build(state) {
  const { board, weights, root } = state;
  const legend = board.criteria
    .map((c) => `<li><span class="sel-sw" style="background:${c.colour}"></span>${esc(c.numbered)}</li>`)
    .join("");
  root.innerHTML =
    `<details class="sel-weights"${state.open ? " open" : ""}><summary>Pondérations (simulation pour la réunion)</summary>` +
    `<p class="sel-caption">${esc(board.sliderHelp)}</p>` +
    `<div class="sel-sliders">${slidersHtml(board, weights)}</div>` +
    `<div class="sel-actions"><button type="button" data-action="save" class="sel-primary">` +
    `Enregistrer ces pondérations dans le cadrage</button>` +
    `<button type="button" data-action="reset">Revenir aux pondérations du cadrage</button></div></details>` +
    `<div class="sel-simulation" role="status" hidden>Simulation : ces pondérations ne sont pas celles du cadrage enregistré.</div>` +
    `<figure class="sel-rank" role="img" aria-label="${esc(board.description)}"></figure>` +
    `<ul class="sel-legend" aria-label="Critères (numéro et couleur)">${legend}</ul>` +
    `<p class="sel-caption">${esc(board.chartHelp)}</p>` +
    `<div class="sel-table-wrap" tabindex="0" role="region" aria-label="Tableau du classement"></div>`;
  root.querySelector("details").addEventListener("toggle", (e) => (state.open = e.target.open));
  draw(state);
}

// Sends the weights (numbered: the server echoes the number it computed from, « ack »).
function sync(state, now) {
  clearTimeout(state.timer);
  const send = () => {
    state.timer = null;
    const payload = JSON.stringify(state.weights);
    if (payload === state.sent) return;
    state.sent = payload;
    state.seq = (state.seq || 0) + 1;
    globalThis.__selectionBoardSynced = performance.now();
    state.setStateValue("weights", { ...state.weights, __seq: state.seq });
  };
  if (now) send();
  else state.timer = setTimeout(send, SYNC_AFTER_MS);
}

const pending = (state) => (state.seq || 0) > (state.ack || 0);

// A download is built by the server from the weights it holds: a click on a download button
// while the board's last weights are still on their way is held until the server has them
// (it says so by sending the board the number of the weights it used), then let through.
const HELD = [];
function releaseHeld(force) {
  if (!force && [...BOARDS.values()].some(pending)) return;
  for (const button of HELD.splice(0)) button.click();
}
if (!globalThis.__selectionBoardClicks && typeof document !== "undefined") {
  globalThis.__selectionBoardClicks = true;
  document.addEventListener(
    "click",
    (e) => {
      const button = e.target.closest && e.target.closest('[data-testid="stDownloadButton"] button');
      if (!button || button.__selReleased) {
        if (button) button.__selReleased = false;
        return;
      }
      if (![...BOARDS.values()].some(pending)) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      button.__selReleased = true;
      HELD.push(button);
      setTimeout(() => releaseHeld(true), 3000); // the server is slow: do not lose the click
    },
    true,
  );
}

export default function ({ data, parentElement, setStateValue, setTriggerValue }) {
  const board = data;
  const root = parentElement.querySelector(".sel-board");
  if (!root) return;
  let state = BOARDS.get(board.key);
  if (state) {
    state.ack = Math.max(state.ack || 0, board.ack || 0);
    releaseHeld(false);
  }
  const fresh = !state || state.root !== root || state.shape !== board.shape;
  if (!fresh) {
    state.setStateValue = setStateValue;
    state.setTriggerValue = setTriggerValue;
    return;
  }
  // New board, new data shape (view, filters, saved weights) or a reset from the server.
  state = {
    board,
    root,
    shape: board.shape,
    weights: { ...board.weights },
    sent: JSON.stringify(board.weights),
    open: state ? state.open : false,
    timer: null,
    seq: state ? state.seq : 0,
    ack: state ? state.ack : 0,
    setStateValue,
    setTriggerValue,
  };
  BOARDS.set(board.key, state);
  root.__selState = state;
  build(state);
  if (!root.__selListening) listen(root);
  // The first screen is drawn: the server may now send the rest of the page.
  if (board.announceDrawn) setTriggerValue("drawn", board.shape);
}

// A press anywhere outside a board sends its weights at once (before the click lands): a
// download or another button of the page then works on the weights on screen.
if (!globalThis.__selectionBoardPointer && typeof document !== "undefined") {
  globalThis.__selectionBoardPointer = true;
  document.addEventListener(
    "pointerdown",
    (e) => {
      for (const state of BOARDS.values()) {
        if (state.root.isConnected && !state.root.contains(e.target)) sync(state, true);
      }
    },
    true,
  );
}

// Listeners are attached once per board element and read its current state.
function listen(root) {
  root.__selListening = true;
  const current = () => root.__selState;
  root.addEventListener("input", (e) => {
    const input = e.target.closest("input[type=range]");
    if (!input) return;
    const state = current();
    const v = Math.round(parseFloat(input.value) * 10) / 10;
    state.weights = { ...state.weights, [input.dataset.criterion]: v };
    input.setAttribute("aria-valuetext", frNumber(v, 1));
    input.nextElementSibling.textContent = frNumber(v, 1);
    draw(state);
  });
  root.addEventListener("change", (e) => {
    if (e.target.closest("input[type=range]")) sync(current(), false);
  });
  root.addEventListener("focusout", (e) => {
    if (!root.contains(e.relatedTarget)) sync(current(), true);
  });
  root.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-action]");
    if (!button || button.disabled) return;
    const state = current();
    if (button.dataset.action === "reset") {
      state.weights = Object.fromEntries(state.board.criteria.map((c) => [c.id, c.saved]));
      for (const input of root.querySelectorAll("input[type=range]")) {
        const v = state.weights[input.dataset.criterion];
        input.value = v;
        input.setAttribute("aria-valuetext", frNumber(v, 1));
        input.nextElementSibling.textContent = frNumber(v, 1);
      }
      draw(state);
      sync(state, true);
    } else {
      sync(state, true);
      state.setTriggerValue("save", JSON.stringify(state.weights));
    }
  });
}

// For tests (node): the arithmetic and formatting, without a page.
export { boardTable, fixed, formatScore, frNumber, frPercent, ranked, score };
