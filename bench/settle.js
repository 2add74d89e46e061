// Injected into every benchmarked page before Streamlit loads (bench/bench_pages.py).
//
// Records, with performance.now(), when each chart and table of the main area was last touched
// (a DOM mutation inside it — SVG redrawn, element remounted — or a draw call on one of its
// canvases: Vega's canvas renderer and the data grid paint without touching the DOM), when the
// app last became idle (script state « notRunning »), and when the last key went down. The
// benchmark reads these after each slider move: « settled » means nothing of the kind happened
// for a quiet period, and the move's time is the last update minus the key press.
(() => {
  const B = (window.__bench = {
    key: 0, // last keydown
    idle: 0, // last switch of the app to notRunning
    msg: 0, // last message from the server (a run ends with « script finished »)
    chart: 0, // last update of any chart (Vega-Lite element)
    table: 0, // last update of any data grid
    byKey: {}, // st-key-… class of the element container → last update
    laid: 0, // style and layout done after the last of the above
    mutations: 0,
    draws: 0,
  });
  // After any update, in the next task, force style and layout and note the time: the move
  // ends once the page has laid out its last update (painting follows in the next frame, for
  // every page alike; headless Chromium draws frames only on demand, so they cannot be timed).
  let waiting = false;
  const paintAfter = () => {
    if (waiting) return;
    waiting = true;
    setTimeout(() => {
      waiting = false;
      void document.documentElement.offsetHeight;
      B.laid = performance.now();
    }, 0);
  };
  // Vega-Lite charts and data grids, and the meeting board's chart and table (drawn in HTML).
  const CHART = '[data-testid="stVegaLiteChart"], .sel-board .sel-rank';
  const TABLE = '[data-testid="stDataFrame"], .sel-board .sel-table-wrap';

  const keyClass = (el) => {
    // the element's own container, or a keyed container holding it (st.container(key=…))
    const holder = el.closest('[class*="st-key-"]');
    if (!holder) return null;
    for (const c of holder.classList) if (c.startsWith("st-key-")) return c.slice(7);
    return null;
  };
  const touch = (el, now) => {
    if (!el) return;
    const chart = el.closest(CHART);
    const table = chart ? null : el.closest(TABLE);
    if (!chart && !table) return;
    if (chart) B.chart = now;
    else B.table = now;
    paintAfter();
    const k = keyClass(chart || table);
    if (k) B.byKey[k] = now;
  };

  document.addEventListener(
    "keydown",
    () => {
      B.key = performance.now();
      paintAfter();
    },
    true,
  );

  // A fast run may go running → notRunning within one React commit (no attribute change):
  // the server's last message of the run is the other end of the run.
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        B.msg = performance.now();
        paintAfter();
        if (B.msg > B.key && !(B.firstMsg > B.key)) B.firstMsg = B.msg;
        B.msgCount = (B.msgCount || 0) + 1;
      });
      const send = this.send.bind(this);
      this.send = (data) => {
        const now = performance.now();
        if (now > B.key && !(B.sent > B.key)) B.sent = now;
        return send(data);
      };
    }
  };

  const observer = new MutationObserver((records) => {
    const now = performance.now();
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (!el) continue;
      if (
        r.type === "attributes" &&
        r.attributeName === "data-test-script-state" &&
        el.getAttribute("data-test-script-state") === "notRunning"
      ) {
        B.idle = now;
        paintAfter();
        continue;
      }
      B.mutations += 1;
      touch(el, now);
    }
  });
  const start = () =>
    observer.observe(document.documentElement, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
  if (document.documentElement) start();
  else document.addEventListener("DOMContentLoaded", start);

  // Canvas paints: cache whether a canvas sits in a chart or a table once it is in the page.
  const where = new WeakMap();
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ["clearRect", "fillRect", "fillText", "drawImage", "fill", "stroke"]) {
    const original = proto[name];
    proto[name] = function (...args) {
      const canvas = this.canvas;
      let inside = where.get(canvas);
      if (inside === undefined) {
        inside = canvas.isConnected
          ? !!(canvas.closest(CHART) || canvas.closest(TABLE))
          : null;
        if (canvas.isConnected) where.set(canvas, inside);
      }
      if (inside) {
        B.draws += 1;
        touch(canvas, performance.now());
      }
      return original.apply(this, args);
    };
  }
})();
